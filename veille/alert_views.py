"""Subscribing to an alert, confirming it and unsubscribing, without an account.

The confirmation and unsubscribe links hold the alert's key; what they show needs one click
on a button (POST), so a mail scanner that opens links confirms or deletes nothing. Mail
clients that offer one-click unsubscription (RFC 8058) post to the same address.
"""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from veille import alerts
from veille.filters import FIELD_ORDER, VeilleFilters
from veille.forms import AlertForm
from veille.models import Alert
from website.guard import public_form

SUBSCRIBE_GUARD = public_form(scope="veille-alert", limit=10, window=3600, max_bytes=8 * 1024)
LINK_GUARD = public_form(scope="veille-alert-link", limit=30, window=3600, max_bytes=4 * 1024)


def _private(response):
    # The page's address holds the key: no cache keeps it, no Referer carries it to another
    # site. Not "no-referrer": the browser would then post the confirmation with "Origin: null",
    # which the CSRF check refuses.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _search(query: str) -> VeilleFilters | None:
    """The search the form carried, if it is one the watch understands."""
    from django.http import QueryDict

    data = QueryDict(query)
    if any(name not in FIELD_ORDER for name in data):
        return None
    filters = VeilleFilters(data)
    return None if filters.has_errors else filters


@never_cache
@SUBSCRIBE_GUARD
def subscribe(request, page):
    if request.method != "POST":
        return redirect(page.get_url(request))
    form = AlertForm(request.POST)
    filters = _search(request.POST.get("recherche", ""))
    if filters is None:
        form.add_error(
            None,
            _(
                "Cette recherche n'est plus valable (un critère a disparu) : refaites-la depuis "
                "la page de la veille, puis abonnez-vous."
            ),
        )
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
        alerts.send_confirmation(alert, page)
    return render(
        request,
        "veille/alert_sent.html",
        {"page": page, "email": form.cleaned_data["email"], "days": alerts.UNCONFIRMED_DAYS},
    )


def _alert(key: str) -> Alert:
    alert = Alert.objects.filter(key=key).first() if len(key) <= 64 else None
    if alert is None:
        raise Http404
    return alert


@never_cache
@LINK_GUARD
def confirm(request, key: str):
    page = alerts.watch_page()
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        alert = _alert(key)
    except Http404:
        response = render(request, "veille/alert_unknown.html", {"page": page}, status=404)
        return _private(response)
    if request.method == "POST":
        alerts.confirm(alert)
    return _private(render(request, "veille/alert_confirm.html", {"page": page, "alert": alert}))


# The key is the authority; mail clients post here without a form or a cookie (RFC 8058).
@csrf_exempt
@never_cache
@LINK_GUARD
def unsubscribe(request, key: str):
    page = alerts.watch_page()
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    alert = Alert.objects.filter(key=key).first() if len(key) <= 64 else None
    if request.method == "POST":
        if alert is not None:
            alert.delete()
        return _private(render(request, "veille/alert_unsubscribed.html", {"page": page}))
    if alert is None:
        # Already gone: say so plainly, it is what the person wanted.
        return _private(render(request, "veille/alert_unsubscribed.html", {"page": page}))
    return _private(
        render(request, "veille/alert_unsubscribe.html", {"page": page, "alert": alert})
    )
