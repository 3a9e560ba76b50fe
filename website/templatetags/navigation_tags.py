from django import template

from wagtail.models import Site

from website.models import HomePage, NetworkSettings, StandardPage
from website.queries import without_restricted
from website.setup import STANDARD_PAGES

LEGAL_SLUGS = [slug for slug, _title in STANDARD_PAGES]

register = template.Library()


def _home_for(request) -> HomePage | None:
    site = Site.find_for_request(request) if request else None
    root = site.root_page if site else None
    return root.specific if root is not None else HomePage.objects.first()


@register.inclusion_tag("components/main_navigation.html", takes_context=True)
def main_navigation(context):
    """The site's sections: the home page's live children marked "show in menus"."""
    request = context.get("request")
    home = _home_for(request)
    current = context.get("page")
    sections = (
        without_restricted(home.get_children().live().in_menu()).only(
            "id", "title", "url_path", "path"
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
        without_restricted(
            home.get_children().live().type(StandardPage).filter(slug__in=LEGAL_SLUGS)
        ).only("id", "title", "url_path")
        if home
        else []
    )
    network = (
        NetworkSettings.for_request(request)
        if request
        else NetworkSettings.for_site(Site.objects.get(is_default_site=True))
    )
    return {"request": request, "network": network, "legal_pages": legal_pages}
