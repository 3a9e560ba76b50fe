from django import template
from django.utils.translation import gettext as _

from ressources import selectors
from ressources.models import RessourceIndexPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("components/home_section.html", takes_context=True)
def recent_ressources(context):
    return home_section(context, RessourceIndexPage, heading=_("Ressources mises à jour"))


@register.inclusion_tag("ressources/components/page_list.html")
def ressources_liees(page):
    """The wiki's resources that chose `page` (a method, a review day) as related: for the
    bilans' templates, which name this tag rather than import the wiki."""
    return {
        "section_id": "ressources-liees",
        "heading": _("Ressources du wiki liées"),
        "pages": list(selectors.ressources_linking_to(page).order_by("title")),
    }
