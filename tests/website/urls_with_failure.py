"""The site's URLs plus one view that fails, to see the 500 page a visitor would get."""

from django.urls import path

from website.urls import handler404, handler500
from website.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("panne/", failing_view), *site_urlpatterns]
__all__ = ["handler404", "handler500", "urlpatterns"]
