from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from veille import selectors
from veille.models import VeilleIndexPage
from veille.wording import deadline_text
from website.sections import home_section

register = template.Library()

HOME_LIMIT = 4


@register.inclusion_tag("components/home_section.html", takes_context=True)
def open_calls(context):
    return home_section(
        context,
        VeilleIndexPage,
        heading=_("Appels à projets ouverts"),
        items=selectors.open_calls(timezone.now(), HOME_LIMIT),
        item_template="veille/components/call_card.html",
    )


@register.simple_tag
def status_of(call):
    """The call's status: the one its view computed, else now."""
    return getattr(call, "status_now", None) or call.status(timezone.now())


@register.simple_tag
def deadline(call) -> str:
    return deadline_text(call.deadline, call.deadline_time)
