from django import template

from wagtail.models import Site

from website import page_cache
from website.models import HomePage, NetworkSettings, StandardPage
from website.queries import without_restricted
from website.setup import STANDARD_PAGES

LEGAL_SLUGS = [slug for slug, _title in STANDARD_PAGES]

register = template.Library()


@register.simple_tag(takes_context=True)
def link_url(context, link) -> str:
    """A link block's address: its page's, built with the request (no cache read), or its URL."""
    page = link.get("page")
    return page.get_url(context.get("request")) if page else link.get("url") or ""


def _home_for(request) -> HomePage | None:
    site = Site.find_for_request(request) if request else None
    if site is None:
        return HomePage.objects.first()
    # The navigation and the footer both need it, on every page.
    return page_cache.memoize(request, f"home:{site.pk}", lambda: site.root_page.specific)


@register.inclusion_tag("components/main_navigation.html", takes_context=True)
def main_navigation(context):
    """The site's sections: the home page's live children marked "show in menus"."""
    request = context.get("request")
    home = _home_for(request)
    current = context.get("page")
    # The home page may have thousands of children (standard pages, a big network): one
    # reading per content change in each process, not one query per request.
    sections = (
        page_cache.memoize(
            request,
            f"navigation:{home.pk}",
            lambda: list(
                without_restricted(home.get_children().live().in_menu()).only(
                    "id", "title", "url_path", "path"
                )
            ),
        )
        if home
        else []
    )
    current_path = current.path if current is not None else ""
    return {
        "request": request,
        "home": home,
        "sections": [(section, current_path.startswith(section.path)) for section in sections],
    }


@register.inclusion_tag("components/footer.html", takes_context=True)
def site_footer(context):
    request = context.get("request")
    home = _home_for(request)
    # The pages setup_site creates (about, legal notice, personal data, accessibility), not
    # every standard page under the home page: there may be thousands.
    legal_pages = (
        page_cache.memoize(
            request,
            f"footer:{home.pk}",
            lambda: list(
                without_restricted(
                    home.get_children().live().type(StandardPage).filter(slug__in=LEGAL_SLUGS)
                ).only("id", "title", "url_path")
            ),
        )
        if home
        else []
    )
    network = (
        NetworkSettings.for_request(request)
        if request
        else NetworkSettings.for_site(Site.objects.get(is_default_site=True))
    )
    return {"request": request, "network": network, "legal_pages": legal_pages}
