"""A resource's public history: its versions, any one of them, any two compared.

Placeholder wiring: the history views land with the next commit.
"""

from django.http import Http404


def page_context(request, page) -> dict:
    return {}


def history(request, page):
    raise Http404


def version(request, page, revision_id):
    raise Http404


def compare(request, page):
    raise Http404
