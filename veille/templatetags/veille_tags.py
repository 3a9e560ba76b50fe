from django import template
from django.utils.translation import gettext as _

from veille.models import VeilleIndexPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("components/home_section.html", takes_context=True)
def open_calls(context):
    return home_section(context, VeilleIndexPage, heading=_("Appels à projets ouverts"))
