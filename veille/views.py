"""The watch's routes, kept thin: filters read the request, selectors the database, feeds write,
templates show."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from structures.models import StructurePage
from veille import rights, selectors, services
from veille.feeds import deadlines_calendar, new_calls_feed
from veille.filters import VeilleFilters
from veille.forms import InterestForm
from website.feeds import conditional_feed
from website.guard import public_form

INTEREST_GUARD = public_form(scope="veille-interest", limit=60, window=3600, max_bytes=8 * 1024)
# Past deadlines the calendar still shows, so that a subscribed calendar keeps recent history.
CALENDAR_PAST_DAYS = 90


def _url(page, request, name: str, query: str = "") -> str:
    url = page.get_url(request) + page.reverse_subpage(name)
    return f"{url}?{query}" if query else url


def _feed_name(filters: VeilleFilters) -> str:
    labels = filters.labels()
    if not labels:
        return _("Veille financements")
    return _("Veille financements : %(filters)s") % {"filters": " · ".join(labels)}


def _with_status(calls, now) -> list:
    calls = list(calls)
    for call in calls:
        call.status_now = call.status(now)
    return calls


def _render(page, request, *, filters: VeilleFilters, calls, view: str, **context):
    now = timezone.now()
    query = filters.query
    paginator = Paginator(calls, page.per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    return page.render(
        request,
        context_overrides={
            "view": view,
            "filters": filters,
            "page_obj": page_obj,
            "calls": _with_status(page_obj.object_list, now),
            "reset_url": _url(page, request, view) if filters.form.is_bound else "",
            "listing_url": _url(page, request, "listing", query),
            "archive_url": _url(page, request, "archive", query),
            "feeds": {
                "ics": _url(page, request, "ics", query),
                "ics_https": request.build_absolute_uri(_url(page, request, "ics", query)),
                "rss": _url(page, request, "rss", query),
                "name": _feed_name(filters),
            },
            # A link to the form, not the form: a listing without a CSRF token is one the page
            # cache can share between visitors (website.page_cache).
            "alert_url": _url(
                page, request, "alert", urlencode({"recherche": filters.alert_query})
            ),
            "empty_message": (
                _("Aucun appel ne correspond à ces critères. Essayez d'en retirer un.")
                if filters.criteria
                else page.empty_message
            ),
            **context,
        },
    )


def listing(page, request):
    filters = VeilleFilters(request.GET, user=request.user)
    calls = selectors.current(filters.calls(timezone.now()), timezone.now())
    return _render(page, request, filters=filters, calls=calls, view="listing")


def archive(page, request):
    filters = VeilleFilters(request.GET, user=request.user, archive=True)
    calls = selectors.archived(filters.calls(timezone.now()), timezone.now())
    return _render(
        page,
        request,
        filters=filters,
        calls=calls,
        view="archive",
        view_title=_("Archives : appels clos"),
        empty_message=_("Aucun appel clos pour ces critères."),
    )


def _valid_filters(request) -> VeilleFilters:
    """A feed exists for valid filters only: a subscription never silently widens. Feeds are
    read by programs without a session: "ma structure" has no meaning there."""
    filters = VeilleFilters(request.GET)
    if filters.has_errors:
        raise Http404
    return filters


def deadlines_ics(page, request):
    filters = _valid_filters(request)
    now = timezone.now()
    # Every deadline, whatever the status asked for: a calendar keeps the closed ones too.
    calls = filters.calls(now, by_status=False)
    version, last_modified = selectors.feed_state(calls)
    since = timezone.localdate(now) - timedelta(days=CALENDAR_PAST_DAYS)
    return conditional_feed(
        request,
        version=("ics", version, since),
        last_modified=last_modified,
        render=lambda: deadlines_calendar(
            selectors.deadline_calls(calls, since), request=request, name=_feed_name(filters)
        ),
    )


def new_calls_rss(page, request):
    filters = _valid_filters(request)
    now = timezone.now()
    calls = filters.calls(now)
    version, last_modified = selectors.feed_state(calls)
    feed = new_calls_feed(
        link=request.build_absolute_uri(_url(page, request, "listing", filters.query)),
        title=_feed_name(filters),
        items=selectors.newest(calls, limit=30),
        now=now,
    )
    return conditional_feed(
        request,
        version=("rss", version, timezone.localdate(now)),
        last_modified=last_modified,
        render=lambda: feed(request),
    )


def call_detail(call, request):
    parent = call.get_parent().specific
    user = request.user
    structures = rights.interest_structures(user)
    return call.render(
        request,
        context_overrides=services.call_context(
            call,
            user=user,
            structure=parent if isinstance(parent, StructurePage) else None,
            interest_form=InterestForm(structures=structures) if structures.exists() else None,
        ),
    )


@never_cache
@INTEREST_GUARD
def record_interest(request, call):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(call.url)
    structures = rights.interest_structures(request.user)
    form = InterestForm(request.POST, structures=structures)
    if form.is_valid():
        message = services.record_interest(
            call=call,
            structure=form.cleaned_data["structure"],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
        messages.success(request, message)
        return redirect(call.url + "#interets")
    parent = call.get_parent().specific
    response = call.render(
        request,
        context_overrides=services.call_context(
            call,
            user=request.user,
            structure=parent if isinstance(parent, StructurePage) else None,
            interest_form=form,
        ),
    )
    response.status_code = 400
    return response
