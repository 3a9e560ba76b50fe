"""Subscribing to an alert without an account. Confirming and unsubscribing are website's
opt-in pages (website.mailing_views), mounted by veille.urls with the watch's templates.
"""

from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from veille import alerts
from veille.filters import FIELD_ORDER, VeilleFilters
from veille.forms import AlertForm
from website.guard import public_form

SUBSCRIBE_GUARD = public_form(scope="veille-alert", limit=10, window=3600, max_bytes=8 * 1024)
LINK_GUARD = public_form(scope="veille-alert-link", limit=30, window=3600, max_bytes=4 * 1024)


STALE_SEARCH = _(
    "Cette recherche n'est plus valable (un critère a disparu) : refaites-la depuis la page de la "
    "veille, puis abonnez-vous."
)


def _form(request, page):
    """The form for the search the watch's listing links to (its `recherche` parameter)."""
    query = request.GET.get("recherche", "")[:2000]
    filters = _search(query)
    if filters is None:
        # No form for a search that cannot be saved: the way back to the watch instead.
        return render(
            request, "veille/alert_form.html", {"page": page, "stale": STALE_SEARCH}, status=400
        )
    return render(
        request,
        "veille/alert_form.html",
        {"page": page, "form": AlertForm(initial={"recherche": query}), "labels": filters.labels()},
    )


def _search(query: str) -> VeilleFilters | None:
    """The search the form carried, if it is one the watch understands."""
    data = QueryDict(query)
    if any(name not in FIELD_ORDER for name in data):
        return None
    filters = VeilleFilters(data)
    return None if filters.has_errors else filters


@never_cache
@SUBSCRIBE_GUARD
def subscribe(request, page):
    if request.method != "POST":
        return _form(request, page)
    form = AlertForm(request.POST)
    filters = _search(request.POST.get("recherche", ""))
    if filters is None:
        form.add_error(None, STALE_SEARCH)
    if not form.is_valid():
        return render(
            request,
            "veille/alert_form.html",
            {"page": page, "form": form, "labels": filters.labels() if filters else []},
            status=400,
        )
    alert = alerts.subscribe(
        email=form.cleaned_data["email"],
        query=filters.query,
        label=" · ".join(filters.labels()),
        frequency=form.cleaned_data["frequency"],
    )
    if not alert.confirmed:
        alerts.send_confirmation(alert)
    return render(
        request,
        "veille/alert_sent.html",
        {"page": page, "email": form.cleaned_data["email"], "days": alerts.UNCONFIRMED_DAYS},
    )


def link_context(request) -> dict:
    """What the confirmation and unsubscribe pages add: the watch, to link back to."""
    return {"page": alerts.watch_page()}
