from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import selectors
from agenda.models import AgendaPage
from website.sections import home_section

register = template.Library()

HOME_LIMIT = 8


@register.inclusion_tag("components/home_section.html", takes_context=True)
def events_this_week(context):
    return home_section(
        context,
        AgendaPage,
        heading=_("Cette semaine dans le réseau"),
        items=list(selectors.this_week(timezone.now())[:HOME_LIMIT]),
        item_template="agenda/components/occurrence.html",
    )


@register.inclusion_tag("agenda/components/place_events.html", takes_context=True)
def place_events(context, place, limit=5):
    """A place's next sessions, for the LieuPage template (structures never imports agenda)."""
    events = selectors.public_events().filter(place=place)
    items = list(selectors.upcoming(timezone.now(), limit, events=events))
    return {"request": context.get("request"), "items": items}


@register.filter
def webcal(url: str) -> str:
    """The same feed for calendar apps that subscribe on a webcal:// link."""
    return "webcal://" + url.split("://", 1)[-1]


@register.inclusion_tag("agenda/components/place_events.html", takes_context=True)
def structure_events(context, structure, limit=5):
    """A structure's next sessions, for the StructurePage template."""
    events = selectors.public_events().descendant_of(structure)
    items = list(selectors.upcoming(timezone.now(), limit, events=events))
    return {"request": context.get("request"), "items": items}
