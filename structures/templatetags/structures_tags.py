from django import template
from django.utils.translation import gettext as _

from structures.models import LieuIndexPage, NewsIndexPage
from structures.selectors import published_news
from website.sections import home_section

register = template.Library()


@register.inclusion_tag("structures/tags/lieu_finder.html", takes_context=True)
def lieu_finder(context):
    """The home page's "find a digital space" form, sent to the directory."""
    return home_section(
        context, LieuIndexPage, heading=_("Trouver un espace numérique près de chez vous")
    )


@register.inclusion_tag("components/home_section.html", takes_context=True)
def latest_news(context, count: int = 3):
    return home_section(
        context,
        NewsIndexPage,
        heading=_("Dernières actualités"),
        items=published_news()[:count],
        item_template="structures/components/news_card.html",
    )
