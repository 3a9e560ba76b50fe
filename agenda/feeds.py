"""The agenda as iCalendar: the whole network, one structure, one event. Each event goes whole,
as its rule, with its exceptions and its changed sessions as RECURRENCE-ID overrides."""

from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags

from wagtail.models import Site

from agenda.models import EventPage, Mode
from agenda.recurrence import PARIS
from website.ics import IcsEvent, add_event, new_calendar, to_ics


def event_uid(event: EventPage, host: str) -> str:
    """Stable across edits and moves: only the page's id and the site's host."""
    return f"relais-event-{event.pk}@{host}"


def _location(event: EventPage) -> str:
    if event.place_id and event.place:
        place = event.place
        parts = [place.title, place.adresse, f"{place.code_postal} {place.commune}".strip()]
        return ", ".join(part for part in parts if part)
    if event.address:
        return event.address
    if event.mode == Mode.ONLINE:
        return event.online_url
    return ""


def _description(event: EventPage, url: str) -> str:
    lines = [event.summary]
    if event.mode in (Mode.ONLINE, Mode.BOTH) and event.online_url:
        lines.append(event.online_url)
    if event.registration_url:
        lines.append(event.registration_url)
    lines.append(url)
    return "\n\n".join(strip_tags(line) for line in lines if line)


def _vevents(event: EventPage, *, request, host: str, stamp: datetime) -> list[IcsEvent]:
    url = event.get_full_url(request)
    uid = event_uid(event, host)
    organizer_name = getattr(event, "structure_title", None) or ""
    organizer_uri = f"mailto:{event.registration_email}" if event.registration_email else ""
    common = {
        "uid": uid,
        "summary": event.title,
        "all_day": event.all_day,
        "stamp": stamp,
        "sequence": getattr(event, "revision_count", 0),
        "last_modified": event.last_published_at,
        "categories": [
            event.get_category_display(),
            *(item.tag.name for item in event.tagged_items.all()),
        ],
        "url": url,
        "location": _location(event),
        "geo": (
            (event.place.latitude, event.place.longitude)
            if event.place_id and event.place and event.place.latitude is not None
            else None
        ),
        "organizer_name": organizer_name,
        "organizer_uri": organizer_uri,
        "description": _description(event, url),
    }
    duration = event.end - event.start
    start = event.start.astimezone(PARIS)
    series = IcsEvent(
        start=start,
        end=event.end,
        rrule=event.recurrence,
        exdates=[datetime.combine(day, start.time(), tzinfo=PARIS) for day in event.excluded_days]
        if event.recurrence
        else (),
        cancelled=event.is_cancelled,
        **common,
    )
    items = [series]
    if not event.recurrence:
        return items
    for override in event.overrides.all():
        original = datetime.combine(override.original_date, start.time(), tzinfo=PARIS)
        new_start = override.start or original
        new_end = override.end or (new_start + duration)
        items.append(
            IcsEvent(
                start=new_start,
                end=new_end,
                recurrence_id=original,
                cancelled=event.is_cancelled or override.cancelled,
                **common,
            )
        )
    return items


def calendar_response(
    events, *, request, name: str, filename: str, description: str = ""
) -> HttpResponse:
    site = Site.find_for_request(request)
    host = site.hostname if site else request.get_host()
    stamp = timezone.now()
    calendar = new_calendar(name=name, description=description)
    for event in events:
        for item in _vevents(event, request=request, host=host, stamp=stamp):
            add_event(calendar, item)
    return calendar_bytes_response(to_ics(calendar), filename=filename)


def calendar_bytes_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
