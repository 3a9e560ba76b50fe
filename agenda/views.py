"""The agenda's routes, kept thin: selectors read, feeds write, templates show."""

import hashlib
from itertools import groupby

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import selectors
from agenda.feeds import calendar_bytes_response, calendar_response
from structures.models import StructurePage
from structures.opening_hours import status as opening_status
from website.feeds import conditional_feed
from website.queries import without_restricted

FEED_CACHE_SECONDS = 24 * 3600


def _by_day(occurrences) -> list[tuple]:
    return [(day, list(items)) for day, items in groupby(occurrences, key=lambda item: item.day)]


def agenda_listing(page, request):
    now = timezone.now()
    paginator = Paginator(selectors.upcoming(now), page.per_page)
    occurrences = paginator.get_page(request.GET.get("page"))
    return page.render(
        request,
        context_overrides={
            "occurrences": occurrences,
            "days": _by_day(occurrences),
            "now": now,
            "feed_https": request.build_absolute_uri(page.feed_url()),
        },
    )


def _feed(request, events, *, name: str, filename: str):
    """A feed answered from the cache until one of its events changes (its version)."""
    now = timezone.now()
    version, last_modified = selectors.feed_state(events, now)
    key = (
        "agenda-ics:"
        + hashlib.sha256(repr((request.get_host(), request.path, version)).encode()).hexdigest()
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


def agenda_ics(page, request):
    name = _("Agenda du réseau")
    return _feed(request, selectors.public_events(), name=name, filename="agenda.ics")


def structure_ics(page, request, slug):
    structure = without_restricted(StructurePage.objects.live()).filter(slug=slug).first()
    if structure is None:
        raise Http404
    events = selectors.public_events().descendant_of(structure)
    name = _("Agenda : %(structure)s") % {"structure": structure.title}
    return _feed(request, events, name=name, filename=f"agenda-{slug}.ics")


def event_ics(event, request):
    events = selectors.public_events().filter(pk=event.pk)
    # The event's own file carries its whole series, whatever the feed window.
    return calendar_response(
        selectors.feed_events(timezone.now(), events=events, whole=True),
        request=request,
        name=event.title,
        filename=f"{event.slug}.ics",
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
