from django import template
from django.utils.translation import gettext as _

from ressources.models import RessourceIndexPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("components/home_section.html")
def recent_ressources():
    return home_section(RessourceIndexPage, heading=_("Ressources mises à jour"))
