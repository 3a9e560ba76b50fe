"""The agenda's routes, kept thin: filters read the request, selectors the database, feeds write,
templates show. Every view and feed honours the same filters (agenda.filters)."""

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda import periods, selectors
from agenda.feeds import calendar_bytes_response, calendar_response
from agenda.filters import AgendaFilters
from agenda.rss import FEED_SIZE, UpcomingEventsFeed
from structures.models import StructurePage
from structures.opening_hours import status as opening_status
from website.feeds import conditional_feed
from website.queries import without_restricted

FEED_CACHE_SECONDS = 24 * 3600
# Sessions shown at most on one month, planning or print page (the list view pages instead):
# about five a day on a month's grid. A department's network holds more; past this the page
# says so and offers the filters, rather than growing past what a phone shows or a server
# renders in a tenth of a second.
SHOWN_LIMIT = 150
# Pages of the list view past this one are the first: a crafted number reads no further.
MAX_PAGE = 1000
VIEWS = [
    ("listing", gettext_lazy("Liste")),
    ("week", gettext_lazy("Cette semaine")),
    ("month_current", gettext_lazy("Mois")),
    ("planning", gettext_lazy("Trois mois")),
]


def _url(page, request, name: str, *args, query: str = "") -> str:
    url = page.get_url(request) + page.reverse_subpage(name, args=args)
    return f"{url}?{query}" if query else url


def _feed_name(filters: AgendaFilters) -> str:
    labels = filters.labels()
    if not labels:
        return _("Agenda du réseau")
    return _("Agenda du réseau : %(filters)s") % {"filters": " · ".join(labels)}


def _render(page, request, *, filters: AgendaFilters, view: str, template=None, **context):
    """The page with what every agenda view shows around its sessions: the views, the filters,
    the feeds of these filters (in <head> and in "S'abonner")."""
    query = filters.query
    ics = _url(page, request, "ics", query=query)
    context.setdefault("print_url", _url(page, request, "print", query=query))
    return page.render(
        request,
        template=template,
        context_overrides={
            "filters": filters,
            "view_links": [
                {
                    "label": label,
                    "url": _url(page, request, name, query=query),
                    "current": name == view,
                }
                for name, label in VIEWS
            ],
            "reset_url": _url(page, request, view) if filters.form.is_bound else "",
            "feeds": {
                "ics": ics,
                "ics_https": request.build_absolute_uri(ics),
                "rss": _url(page, request, "rss", query=query),
                "name": _feed_name(filters),
            },
            "shown_limit": SHOWN_LIMIT,
            "empty_message": (
                _("Aucun événement ne correspond à ces critères. Essayez d'en retirer un.")
                if filters.criteria
                else page.empty_message
            ),
            **context,
        },
    )


def _bounded(occurrences) -> tuple[list, bool]:
    """At most SHOWN_LIMIT sessions, and whether there were more."""
    items = list(occurrences[: SHOWN_LIMIT + 1])
    return items[:SHOWN_LIMIT], len(items) > SHOWN_LIMIT


def _page_number(request) -> int:
    """The asked page; the first for anything but a number up to MAX_PAGE."""
    text = request.GET.get("page", "")
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 1
    return number if 1 <= number <= MAX_PAGE else 1


def _paged(page, request, occurrences) -> dict:
    """One page of sessions and its neighbours, without a total: counting every upcoming session
    of the network costs more than reading the page. The row after the page tells if a next
    page exists (0: none)."""
    number = _page_number(request)
    first = (number - 1) * page.per_page
    rows = list(occurrences[first : first + page.per_page + 1])
    shown = rows[: page.per_page]
    has_next = len(rows) > page.per_page
    return {
        "days": periods.by_day(shown),
        "pager": {"number": number, "previous": number - 1, "next": number + 1 if has_next else 0},
    }


def agenda_listing(page, request):
    filters = AgendaFilters(request.GET)
    occurrences = selectors.upcoming(timezone.now(), events=filters.events())
    return _render(
        page, request, filters=filters, view="listing", **_paged(page, request, occurrences)
    )


def agenda_week(page, request):
    """ "Cette semaine": this week's sessions not over yet, Monday to Sunday."""
    filters = AgendaFilters(request.GET)
    now = timezone.now()
    start, end = selectors.week_bounds(now)
    occurrences = selectors.occurrences_between(max(start, now), end, events=filters.events())
    sunday = timezone.localtime(end).date() - timedelta(days=1)
    return _render(
        page,
        request,
        filters=filters,
        view="week",
        template="agenda/agenda_week.html",
        view_title=_("Cette semaine"),
        period=periods.span_label(timezone.localtime(start).date(), sunday),
        **_paged(page, request, occurrences),
    )


def agenda_month(page, request, *, year=None, month=None):
    """A month as a table of weeks; months outside the agenda's horizon do not exist."""
    now = timezone.now()
    today = timezone.localdate(now)
    shown = periods.Month.of(today) if year is None else periods.month_in_range(year, month, now)
    if shown is None:
        raise Http404
    filters = AgendaFilters(request.GET)
    query = filters.query
    first, last = periods.month_range(now)
    sessions, truncated = _bounded(
        selectors.occurrences_between(*shown.bounds(), events=filters.events())
    )

    def month_url(other):
        if not first <= other <= last:
            return ""
        return _url(page, request, "month", other.year, f"{other.month:02d}", query=query)

    print_query = "&".join(part for part in (f"mois={shown.code}", query) if part)
    return _render(
        page,
        request,
        filters=filters,
        view="month_current",
        template="agenda/agenda_month.html",
        view_title=shown.label.capitalize(),
        month=shown,
        weekdays=periods.weekday_names(),
        weeks=periods.month_grid(shown, sessions, today=today),
        has_sessions=bool(sessions),
        truncated=truncated,
        previous_url=month_url(shown.previous),
        previous_label=shown.previous.label,
        next_url=month_url(shown.next),
        next_label=shown.next.label,
        print_url=_url(page, request, "print", query=print_query),
    )


def agenda_planning(page, request):
    """Three months ahead by week, compact: what the structures plan around."""
    filters = AgendaFilters(request.GET)
    now = timezone.now()
    monday = periods.monday_of(timezone.localdate(now))
    end = monday + timedelta(weeks=periods.PLANNING_WEEKS)
    sessions, truncated = _bounded(
        selectors.occurrences_between(
            periods.midnight(monday), periods.midnight(end), events=filters.events()
        )
    )
    return _render(
        page,
        request,
        filters=filters,
        view="planning",
        template="agenda/agenda_planning.html",
        view_title=_("Trois mois"),
        period=periods.span_label(monday, end - timedelta(days=1)),
        weeks=periods.by_week(sessions),
        truncated=truncated,
    )


def agenda_print(page, request):
    """The sessions of a month (?mois=2026-11) or of the next four weeks, to print."""
    now = timezone.now()
    today = timezone.localdate(now)
    if "mois" in request.GET:
        parsed = periods.Month.parse(request.GET["mois"])
        shown = parsed and periods.month_in_range(parsed.year, parsed.month, now)
        if not shown:
            raise Http404
        start, end = shown.bounds()
        period = shown.label
    else:
        start, end = now, periods.midnight(today + timedelta(days=periods.PRINT_DAYS))
        period = periods.span_label(today, today + timedelta(days=periods.PRINT_DAYS - 1))
    filters = AgendaFilters(request.GET)
    sessions, truncated = _bounded(
        selectors.occurrences_between(start, end, events=filters.events())
    )
    return _render(
        page,
        request,
        filters=filters,
        view="print",
        template="agenda/agenda_print.html",
        view_title=_("Version imprimable"),
        period=period,
        days=periods.by_day(sessions),
        truncated=truncated,
        back_url=_url(page, request, "listing", query=filters.query),
    )


def _feed(request, events, *, name: str, filename: str, query: str = ""):
    """A feed answered from the cache until one of its events changes (its version)."""
    now = timezone.now()
    version, last_modified = selectors.feed_state(events, now)
    key = (
        "agenda-ics:"
        + hashlib.sha256(
            repr((request.get_host(), request.path, query, version)).encode()
        ).hexdigest()
    )

    def render():
        body = cache.get(key)
        if body is None:
            response = calendar_response(
                selectors.feed_events(now, events=events),
                request=request,
                name=name,
                filename=filename,
            )
            cache.set(key, response.content, FEED_CACHE_SECONDS)
            return response
        return calendar_bytes_response(body, filename=filename)

    return conditional_feed(request, version=version, last_modified=last_modified, render=render)


def _valid_filters(request) -> AgendaFilters:
    """A feed exists for valid filters only: a subscription never silently widens."""
    filters = AgendaFilters(request.GET)
    if filters.has_errors:
        raise Http404
    return filters


def agenda_ics(page, request):
    filters = _valid_filters(request)
    return _feed(
        request,
        filters.events(),
        name=_feed_name(filters),
        filename="agenda.ics",
        query=filters.query,
    )


def agenda_rss(page, request):
    filters = _valid_filters(request)
    now = timezone.now()
    events = filters.events()
    version, last_modified = selectors.feed_state(events, now)
    # Sessions of today stay listed all day, so the feed changes with the day, like its version.
    today = timezone.localdate(now)
    feed = UpcomingEventsFeed(
        link=_url(page, request, "listing", query=filters.query),
        title=_feed_name(filters),
        items=selectors.upcoming_events(periods.midnight(today), events=events, limit=FEED_SIZE),
    )
    return conditional_feed(
        request,
        version=("rss", version, today),
        last_modified=last_modified,
        render=lambda: feed(request),
    )


def structure_ics(page, request, slug):
    structure = without_restricted(StructurePage.objects.live()).filter(slug=slug).first()
    if structure is None:
        raise Http404
    events = selectors.public_events().descendant_of(structure)
    name = _("Agenda : %(structure)s") % {"structure": structure.title}
    return _feed(request, events, name=name, filename=f"agenda-{slug}.ics")


def event_ics(event, request):
    now = timezone.now()
    events = selectors.public_events().filter(pk=event.pk)
    version, last_modified = selectors.feed_state(events, now)
    # The event's own file carries its whole series, whatever the feed window.
    return conditional_feed(
        request,
        version=("event", event.pk, version),
        last_modified=last_modified,
        render=lambda: calendar_response(
            selectors.feed_events(now, events=events, whole=True),
            request=request,
            name=event.title,
            filename=f"{event.slug}.ics",
        ),
    )


def event_detail(event, request):
    now = timezone.now()
    structure = event.get_parent().specific
    place = event.place if event.place_id and event.place and event.place.live else None
    return event.render(
        request,
        context_overrides={
            "upcoming": list(selectors.event_upcoming(event, now)),
            "structure": structure if isinstance(structure, StructurePage) else None,
            "place": place,
            "place_status": opening_status(place.horaires, at=now) if place else None,
        },
    )
