"""Comments and questions on resources.

Placeholder wiring: the discussion lands with the next commit.
"""

from django.http import Http404

urlpatterns = []


def page_context(request, page) -> dict:
    return {}


def home_context(request, index) -> dict:
    return {}


def post_comment(request, page):
    raise Http404
