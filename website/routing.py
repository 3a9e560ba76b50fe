"""Page routing in three queries whatever the depth.

Wagtail walks the URL one level at a time: per level, a query for the child and one for its
specific object. A place or an event five levels deep costs eight queries before its view runs.
The site's root page resolves the whole chain at once instead (then the page found and its
parent as their specific objects, as Wagtail hands them over), and keeps its rules: a live
routable page on the way answers its own sub-URLs first, and the last page found routes the rest
(its children, its sub-URLs or a 404) with Wagtail's own code.
"""

from django.http import Http404
from django.urls import Resolver404

from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page


def _answers(page: Page, components: list[str]) -> bool:
    """Whether this live routable page serves these sub-URL components itself."""
    page_class = page.specific_class
    if not page.live or page_class is None or not issubclass(page_class, RoutablePageMixin):
        return False
    try:
        page_class.get_resolver().resolve("/" + "".join(f"{part}/" for part in components))
    except (Http404, Resolver404):
        return False
    return True


class ChainRoutingMixin:
    """For the site's root page: find every page along the requested path in one query."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "".join(f"{part}/" for part in path_components[:depth])
            for depth in range(1, len(path_components) + 1)
        ]
        # The slug is indexed; the full URL paths make the rows exactly this chain.
        found = {
            page.url_path: page
            for page in Page.objects.filter(
                slug__in=set(path_components), url_path__in=prefixes, depth__gt=self.depth
            )
        }
        parent, used = self, 0
        for prefix in prefixes:
            page = found.get(prefix)
            if page is None or _answers(parent, path_components[used:]):
                break
            # What Wagtail's own walk does: get_parent() of the page served costs nothing.
            page._cached_parent_obj = parent
            parent, used = page, used + 1
        if parent is self:
            return super().route(request, path_components)
        found_page = parent.specific
        if found_page._cached_parent_obj is not self:
            # Wagtail's walk hands each page its specific parent, which views rely on.
            found_page._cached_parent_obj = found_page._cached_parent_obj.specific
        return found_page.route(request, path_components[used:])
