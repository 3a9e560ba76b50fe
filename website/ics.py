"""The one iCalendar (RFC 5545) writer every feed uses.

It writes the text itself: a feed of thousands of events spent most of its time in a generic
object model, and the handful of value types the feeds need are simple to get right. Text is
escaped, lines end in CRLF and fold at 75 octets without splitting a UTF-8 sequence; times are
Paris wall time with `TZID=Europe/Paris` (or dates, for all-day events), stamps are UTC. The
single Europe/Paris `VTIMEZONE` is in the yearly-RRULE form: the list-of-RDATE form that
icalendar generates is misread by some widely used parsers around daylight-saving changes.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.encoding import iri_to_uri

TZID = "Europe/Paris"
PARIS = ZoneInfo(TZID)
PRODID = "-//Relais//Agenda du réseau//FR"
CRLF = "\r\n"
LINE_OCTETS = 75

# Europe/Paris since 1996: last Sunday of March 02:00 → CEST, last Sunday of October → CET.
PARIS_VTIMEZONE = CRLF.join(
    [
        "BEGIN:VTIMEZONE",
        f"TZID:{TZID}",
        f"X-LIC-LOCATION:{TZID}",
        "BEGIN:STANDARD",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "TZNAME:CET",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "TZNAME:CEST",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]
)

# Line breaks of any kind become newlines (written "\n"); other control characters, which
# TEXT may not hold (RFC 5545 §3.3.11), are dropped.
_NEWLINES = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_RULE_PART = re.compile(r"[A-Z]+=[A-Z0-9,+\-]+")
_RULE_SEPARATOR = re.compile(r"[;\s]+")


def _printable(value: str) -> str:
    # Fast checks first: most values hold no control character, or only LFs.
    if value.isprintable() or value.replace("\n", "").isprintable():
        return value
    return _CONTROLS.sub("", _NEWLINES.sub("\n", value))


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped, so that no text can end
    its line or add a property."""
    value = _printable(value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _parameter(value: str) -> str:
    """A quoted parameter value, which can hold neither DQUOTE nor a line break."""
    return '"' + _printable(value).replace('"', "'").replace("\n", " ") + '"'


def _uri(value: str) -> str:
    """A URI as is when it holds only the characters a URI may, else percent-encoded (spaces
    and control characters included): a URI never breaks its line."""
    return value if _URI.fullmatch(value) else iri_to_uri(value)


def fold(line: str) -> str:
    """One content line, folded into CRLF + space continuations of at most 75 octets each."""
    if len(line) <= LINE_OCTETS and line.isascii():
        return line
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return line
    parts = []
    start, limit = 0, LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its sequence
            cut -= 1
        parts.append(data[start:cut])
        # Continuation lines start with a space, which counts in their 75 octets.
        start, limit = cut, LINE_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def _local(moment: datetime) -> datetime:
    """An aware moment as Paris wall time; a naive one is read as Paris wall time."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS)


def _day(moment: datetime | date) -> date:
    return _local(moment).date() if isinstance(moment, datetime) else moment


def _date_value(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _clock_value(moment: datetime) -> str:
    return f"{_date_value(moment)}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"


def _time_value(moment: datetime | date) -> str:
    """A Paris wall time, to be written with TZID=Europe/Paris."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0), tzinfo=PARIS)
    return _clock_value(_local(moment))


def _utc(moment: datetime) -> str:
    return _clock_value(moment.astimezone(UTC)) + "Z"


# Every event of a feed carries the same stamp: formatted once.
_stamp = lru_cache(maxsize=4)(_utc)


def _when(name: str, moments: list[datetime | date], all_day: bool) -> str:
    """DATE values for all-day events, else Paris DATE-TIMEs with their TZID."""
    if all_day:
        return f"{name};VALUE=DATE:" + ",".join(_date_value(_day(moment)) for moment in moments)
    return f"{name};TZID={TZID}:" + ",".join(_time_value(moment) for moment in moments)


def _until(value: str, all_day: bool) -> str:
    """RFC 5545 wants UNTIL in UTC when DTSTART has a TZID, and a date for all-day events.
    A floating UNTIL is read as Paris time, a date as the end of that day."""
    try:
        if "T" in value:
            moment = datetime.strptime(value.removesuffix("Z"), "%Y%m%dT%H%M%S")
            moment = moment.replace(tzinfo=UTC if value.endswith("Z") else PARIS)
        else:
            day = datetime.strptime(value, "%Y%m%d").date()
            moment = datetime.combine(day, time(23, 59, 59), tzinfo=PARIS)
    except ValueError:
        return ""
    return _date_value(_day(moment)) if all_day else _utc(moment)


def _rule(rrule: str, all_day: bool) -> str:
    """The rule as RECUR text. Parts that are not NAME=VALUE in the RFC's characters are dropped
    (a line break splits parts too), so that nothing stored in the field breaks out of its line."""
    parts = []
    for part in _RULE_SEPARATOR.split(rrule.strip().upper().removeprefix("RRULE:")):
        if not _RULE_PART.fullmatch(part):
            continue
        name, value = part.split("=", 1)
        if name == "UNTIL":
            value = _until(value, all_day)
            if not value:
                continue
        parts.append(f"{name}={value}")
    return ";".join(parts)


def _float(value: float) -> str:
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


@dataclass(slots=True)
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


def vevent(event: IcsEvent) -> str:
    """The VEVENT's folded text, each line ending in CRLF."""
    lines = [
        "BEGIN:VEVENT",
        "UID:" + escape_text(event.uid),
        "DTSTAMP:" + _stamp(event.stamp or timezone.now()),
        f"SEQUENCE:{int(event.sequence)}",
    ]
    if event.last_modified:
        lines.append("LAST-MODIFIED:" + _utc(event.last_modified))
    lines.append("SUMMARY:" + escape_text(event.summary))
    if event.all_day:
        first = _day(event.start)
        # DTEND of an all-day event is exclusive: the day after its last day.
        last = max(first, _day(event.end))
        lines.append(_when("DTSTART", [first], True))
        lines.append(_when("DTEND", [last + timedelta(days=1)], True))
    else:
        lines.append(_when("DTSTART", [event.start], False))
        lines.append(_when("DTEND", [event.end], False))
    if event.recurrence_id is not None:
        lines.append(_when("RECURRENCE-ID", [event.recurrence_id], event.all_day))
    rule = _rule(event.rrule, event.all_day) if event.rrule else ""
    if rule:
        lines.append("RRULE:" + rule)
    exdates = list(event.exdates)
    if exdates:
        lines.append(_when("EXDATE", exdates, event.all_day))
    lines.append("STATUS:" + ("CANCELLED" if event.cancelled else "CONFIRMED"))
    categories = [escape_text(category) for category in event.categories if category]
    if categories:
        lines.append("CATEGORIES:" + ",".join(categories))
    if event.url:
        lines.append("URL:" + _uri(event.url))
    if event.location:
        lines.append("LOCATION:" + escape_text(event.location))
    if event.geo and all(math.isfinite(float(value)) for value in event.geo):
        lines.append(f"GEO:{_float(event.geo[0])};{_float(event.geo[1])}")
    if event.organizer_uri:
        name = f";CN={_parameter(event.organizer_name)}" if event.organizer_name else ""
        lines.append(f"ORGANIZER{name}:{_uri(event.organizer_uri)}")
    if event.description:
        lines.append("DESCRIPTION:" + escape_text(event.description))
    lines.append("END:VEVENT\r\n")
    return CRLF.join(map(fold, lines))


class Calendar:
    """A VCALENDAR being written: its header, then VEVENT texts as they come."""

    def __init__(self, *, name: str, description: str = ""):
        header = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:" + escape_text(PRODID),
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape_text(name),
            "X-WR-TIMEZONE:" + TZID,
        ]
        if description:
            header.append("X-WR-CALDESC:" + escape_text(description))
        self.parts = [CRLF.join(map(fold, header)), CRLF, PARIS_VTIMEZONE, CRLF]

    def add(self, text: str) -> None:
        """Add a component's text, as `vevent()` writes it."""
        self.parts.append(text)

    def to_ics(self) -> bytes:
        return ("".join(self.parts) + "END:VCALENDAR" + CRLF).encode()


def new_calendar(*, name: str, description: str = "") -> Calendar:
    return Calendar(name=name, description=description)


def add_event(calendar: Calendar, event: IcsEvent) -> None:
    calendar.add(vevent(event))


def to_ics(calendar: Calendar) -> bytes:
    return calendar.to_ics()
