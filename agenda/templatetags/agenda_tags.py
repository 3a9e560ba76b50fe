from django import template
from django.utils.translation import gettext as _

from agenda.models import AgendaPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("components/home_section.html")
def events_this_week():
    return home_section(AgendaPage, heading=_("Cette semaine dans le réseau"))
