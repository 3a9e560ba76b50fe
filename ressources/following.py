"""Following the wiki: follows, digests' preferences, recent changes and their feed.

Placeholder wiring: following lands with the next commit.
"""

from django.http import Http404

urlpatterns = []


def page_context(request, page) -> dict:
    return {}


def home_context(request, index) -> dict:
    return {}


def follow_page(request, page):
    raise Http404


def recent_changes(request, index):
    raise Http404


def recent_changes_feed(request, index):
    raise Http404
