"""The agenda as iCalendar: the whole network, one structure, one event. Each event goes whole,
as its rule, with its exceptions and its changed sessions as RECURRENCE-ID overrides.

The events come as rows from `selectors.feed_events`, not as pages: a whole-network feed holds
thousands of them, and building a page object for each cost more than writing its text.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from wagtail.models import Site

from agenda.models import Category, Mode, Status
from agenda.recurrence import PARIS, parse_exceptions
from website.ics import IcsEvent, new_calendar, vevent


def event_uid(pk: int, host: str) -> str:
    """Stable across edits and moves: only the page's id and the site's host."""
    return f"relais-event-{pk}@{host}"


def page_urls(request) -> Callable[[str], str]:
    """Full page URLs from url paths, as `Page.get_full_url` gives them, with the site roots
    read once instead of a reverse() per page; the request's site comes first when a page
    lies under several."""
    current = Site.find_for_request(request)
    current_id = current.pk if current else None
    roots = sorted(Site.get_site_root_paths(), key=lambda root: root.site_id != current_id)
    serve = reverse("wagtail_serve", args=("",))
    append_slash = getattr(settings, "WAGTAIL_APPEND_SLASH", True)

    def full_url(url_path: str) -> str:
        for root in roots:
            if url_path.startswith(root.root_path):
                path = serve + url_path[len(root.root_path) :]
                return root.root_url + (path if append_slash else path.rstrip("/") or "/")
        return ""

    return full_url


def _location(row: dict) -> str:
    if row["place__live"]:
        commune = f"{row['place__code_postal']} {row['place__commune']}".strip()
        return ", ".join(
            part for part in (row["place__title"], row["place__adresse"], commune) if part
        )
    if row["address"]:
        return row["address"]
    if row["mode"] == Mode.ONLINE:
        return row["online_url"]
    return ""


def _geo(row: dict) -> tuple[float, float] | None:
    latitude, longitude = row["place__latitude"], row["place__longitude"]
    if row["place__live"] and latitude is not None and longitude is not None:
        return latitude, longitude
    return None


def _description(row: dict, url: str) -> str:
    lines = [row["summary"]]
    if row["mode"] in (Mode.ONLINE, Mode.BOTH) and row["online_url"]:
        lines.append(row["online_url"])
    if row["registration_url"]:
        lines.append(row["registration_url"])
    lines.append(url)
    # strip_tags is slow, and most lines hold no markup.
    return "\n\n".join(strip_tags(line) if "<" in line else line for line in lines if line)


def _vevents(
    row: dict, *, url: str, host: str, stamp: datetime, categories: dict[str, str]
) -> list[IcsEvent]:
    """The event as one VEVENT, or a series and one VEVENT per changed session."""
    cancelled = row["status"] == Status.CANCELLED
    common = {
        "uid": event_uid(row["pk"], host),
        "summary": row["title"],
        "all_day": row["all_day"],
        "stamp": stamp,
        "sequence": row["revision_count"],
        "last_modified": row["last_published_at"],
        "categories": [categories.get(row["category"], row["category"]), *row["tags"]],
        "url": url,
        "location": _location(row),
        "geo": _geo(row),
        "organizer_name": row["structure_title"] or "",
        "organizer_uri": f"mailto:{row['registration_email']}" if row["registration_email"] else "",
        "description": _description(row, url),
    }
    if not row["recurrence"]:
        return [IcsEvent(start=row["start"], end=row["end"], cancelled=cancelled, **common)]
    duration = row["end"] - row["start"]
    start = row["start"].astimezone(PARIS)
    items = [
        IcsEvent(
            start=start,
            end=row["end"],
            rrule=row["recurrence"],
            exdates=[
                datetime.combine(day, start.time(), tzinfo=PARIS)
                for day in parse_exceptions(row["exceptions"])
            ],
            cancelled=cancelled,
            **common,
        )
    ]
    for original_date, new_start, new_end, session_cancelled in row["overrides"]:
        original = datetime.combine(original_date, start.time(), tzinfo=PARIS)
        new_start = new_start or original
        items.append(
            IcsEvent(
                start=new_start,
                end=new_end or (new_start + duration),
                recurrence_id=original,
                cancelled=cancelled or session_cancelled,
                **common,
            )
        )
    return items


def calendar_response(
    events, *, request, name: str, filename: str, description: str = ""
) -> HttpResponse:
    """`events` are `selectors.feed_events` rows."""
    site = Site.find_for_request(request)
    host = site.hostname if site else request.get_host()
    stamp = timezone.now()
    full_url = page_urls(request)
    # Labels translated once, not once per event.
    categories = {value: str(label) for value, label in Category.choices}
    calendar = new_calendar(name=name, description=description)
    for row in events:
        url = full_url(row["url_path"])
        for item in _vevents(row, url=url, host=host, stamp=stamp, categories=categories):
            calendar.add(vevent(item))
    return calendar_bytes_response(calendar.to_ics(), filename=filename)


def calendar_bytes_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
