"""What every request looks up before its view runs, answered from memory.

Wagtail finds the site for the host (a query), the site's root paths (a cache read, so a query
with the database cache, once per page that builds a URL without the request) and the network's
settings (a query). None of them changes unless something is written, so each process keeps its
answers until the next content change (the page cache's generation token).
"""

from django.core.exceptions import DisallowedHost

from wagtail.models import Site
from wagtail.views import serve

from website.page_cache import memoize


class SiteLookupMiddleware:
    """For the pages Wagtail serves (other views may need no database at all). After
    CommonMiddleware, which has refused hosts outside ALLOWED_HOSTS: the hosts kept in memory
    are the allowed ones, never whatever a visitor sends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not serve:
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None
        request._wagtail_site = memoize(
            request, f"site:{host}:{request.get_port()}", lambda: Site._find_for_request(request)
        )
        request._wagtail_cached_site_root_paths = memoize(
            request, "site-root-paths", Site.get_site_root_paths
        )
        return None
