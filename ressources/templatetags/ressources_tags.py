from django import template
from django.utils.translation import gettext as _

from ressources.models import RessourceIndexPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("components/home_section.html", takes_context=True)
def recent_ressources(context):
    return home_section(context, RessourceIndexPage, heading=_("Ressources mises à jour"))
