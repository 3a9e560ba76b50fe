"""Error pages for refusals that Django answers itself, in French and in the site's layout."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its token, from another site or a stale page."""
    response = render(request, "errors/csrf.html", status=403)
    response["Cache-Control"] = "no-store"
    return response
