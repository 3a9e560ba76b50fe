from django import template
from django.utils.translation import gettext as _

from structures.models import LieuIndexPage, NewsIndexPage
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("structures/tags/lieu_finder.html")
def lieu_finder():
    """The home page's "find a digital space" form, sent to the directory."""
    return home_section(LieuIndexPage, heading=_("Trouver un espace numérique près de chez vous"))


@register.inclusion_tag("components/home_section.html")
def latest_news():
    return home_section(NewsIndexPage, heading=_("Dernières actualités"))
