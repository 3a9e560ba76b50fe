"""The one iCalendar (RFC 5545) writer every feed uses.

icalendar does the line work (CRLF, 75-octet folding, text escaping); this module fixes what
the calendars must agree on: the calendar's properties, and a single Europe/Paris `VTIMEZONE`
in the yearly-RRULE form. icalendar generates that zone as a list of RDATE transitions, which
some widely used parsers misread around daylight-saving changes; the RRULE form is what the
major calendar producers write and what every client reads.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
)

from django.utils import timezone

TZID = "Europe/Paris"
PARIS = ZoneInfo(TZID)
PRODID = "-//Relais//Agenda du réseau//FR"


class _VerbatimRule(vRecur):
    """A rule written exactly as given: the zone's rules read as the big producers write them."""

    def __init__(self, text: str):
        super().__init__(vRecur.from_ical(text))
        self.text = text

    def to_ical(self) -> bytes:
        return self.text.encode()


def paris_vtimezone() -> Timezone:
    """Europe/Paris since 1996: last Sunday of March 02:00 → CEST, last Sunday of October → CET."""
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", _VerbatimRule("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"))
    standard.add("tzoffsetfrom", "+0200", encode=False)
    standard.add("tzoffsetto", "+0100", encode=False)
    standard.add("tzname", "CET")
    daylight = TimezoneDaylight()
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", _VerbatimRule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"))
    daylight.add("tzoffsetfrom", "+0100", encode=False)
    daylight.add("tzoffsetto", "+0200", encode=False)
    daylight.add("tzname", "CEST")
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    zone.add_component(standard)
    zone.add_component(daylight)
    return zone


def new_calendar(*, name: str, description: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add_component(paris_vtimezone())
    return calendar


def _local(moment: datetime) -> datetime:
    """An aware moment as Paris wall time, so it is written with TZID=Europe/Paris."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS)


def _when(moment: datetime | date, all_day: bool) -> datetime | date:
    if all_day:
        return _local(moment).date() if isinstance(moment, datetime) else moment
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(0), tzinfo=PARIS)
    return _local(moment)


def _rule(rrule: str, all_day: bool) -> vRecur:
    """RFC 5545 wants UNTIL in UTC when DTSTART has a TZID, and a date for all-day events."""
    recur = vRecur.from_ical(rrule.removeprefix("RRULE:"))
    until = recur.get("UNTIL")
    if until:
        until = until[0] if isinstance(until, list) else until
        if all_day:
            recur["UNTIL"] = [until.date() if isinstance(until, datetime) else until]
        elif isinstance(until, datetime):
            recur["UNTIL"] = [_local(until).astimezone(ZoneInfo("UTC"))]
        else:
            end_of_day = datetime.combine(until, time(23, 59, 59), tzinfo=PARIS)
            recur["UNTIL"] = [end_of_day.astimezone(ZoneInfo("UTC"))]
    return recur


@dataclass
class IcsEvent:
    """One VEVENT. Text goes in as plain text: escaping is the writer's job."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    all_day: bool = False
    stamp: datetime | None = None
    sequence: int = 0
    last_modified: datetime | None = None
    rrule: str = ""
    exdates: Iterable[datetime | date] = ()
    recurrence_id: datetime | date | None = None
    cancelled: bool = False
    categories: Iterable[str] = ()
    url: str = ""
    location: str = ""
    geo: tuple[float, float] | None = None
    organizer_name: str = ""
    organizer_uri: str = ""
    description: str = ""
    extra: dict = field(default_factory=dict)


def add_event(calendar: Calendar, event: IcsEvent) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", (event.stamp or timezone.now()).astimezone(ZoneInfo("UTC")))
    vevent.add("sequence", event.sequence)
    if event.last_modified:
        vevent.add("last-modified", event.last_modified.astimezone(ZoneInfo("UTC")))
    vevent.add("summary", event.summary)
    start = _when(event.start, event.all_day)
    end = _when(event.end, event.all_day)
    if event.all_day and end <= start:
        # DTEND of an all-day event is exclusive: a one-day event ends the next day.
        end = date.fromordinal(start.toordinal() + 1)
    elif event.all_day:
        end = date.fromordinal(end.toordinal() + 1)
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    if event.recurrence_id is not None:
        vevent.add("recurrence-id", _when(event.recurrence_id, event.all_day))
    if event.rrule:
        vevent.add("rrule", _rule(event.rrule, event.all_day))
    exdates = [_when(moment, event.all_day) for moment in event.exdates]
    if exdates:
        vevent.add("exdate", exdates)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    categories = [category for category in event.categories if category]
    if categories:
        vevent.add("categories", categories)
    if event.url:
        vevent.add("url", event.url)
    if event.location:
        vevent.add("location", event.location)
    if event.geo:
        vevent.add("geo", event.geo)
    if event.organizer_uri:
        organizer = vCalAddress(event.organizer_uri)
        if event.organizer_name:
            organizer.params["cn"] = event.organizer_name
        vevent.add("organizer", organizer)
    if event.description:
        vevent.add("description", event.description)
    for name, value in event.extra.items():
        vevent.add(name, value)
    calendar.add_component(vevent)
    return vevent


def to_ics(calendar: Calendar) -> bytes:
    return calendar.to_ical()
