from django import template
from django.utils.translation import gettext as _

from agenda.models import AgendaPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("components/home_section.html", takes_context=True)
def events_this_week(context):
    return home_section(context, AgendaPage, heading=_("Cette semaine dans le réseau"))
