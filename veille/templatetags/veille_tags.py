from django import template
from django.utils.translation import gettext as _

from veille.models import VeilleIndexPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("components/home_section.html")
def open_calls():
    return home_section(VeilleIndexPage, heading=_("Appels à projets ouverts"))
