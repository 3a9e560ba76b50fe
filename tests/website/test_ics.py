"""The shared ICS writer, read back by vobject (an independent parser) and by icalendar."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject

from website.ics import IcsEvent, add_event, new_calendar, to_ics

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def weekly_friday_calendar(**overrides) -> bytes:
    calendar = new_calendar(name="Agenda du réseau")
    fields = {
        "uid": "relais-event-1@example.org",
        "summary": "Permanence numérique",
        "start": datetime(2026, 10, 16, 9, 0, tzinfo=PARIS),
        "end": datetime(2026, 10, 16, 12, 0, tzinfo=PARIS),
        "stamp": STAMP,
        "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=4",
    }
    add_event(calendar, IcsEvent(**(fields | overrides)))
    return to_ics(calendar)


def vobject_starts(ics: bytes) -> list[datetime]:
    event = vobject.readOne(ics.decode()).vevent
    return list(event.getrruleset(addRDate=True))


def test_calendar_declares_product_version_method_name_and_paris_zone():
    calendar = icalendar.Calendar.from_ical(weekly_friday_calendar())
    assert calendar["PRODID"]
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Agenda du réseau"
    assert calendar["X-WR-TIMEZONE"] == "Europe/Paris"
    zones = calendar.walk("VTIMEZONE")
    assert len(zones) == 1
    assert zones[0]["TZID"] == "Europe/Paris"


def test_paris_zone_is_written_as_yearly_rules_not_a_list_of_dates():
    text = weekly_friday_calendar().decode()
    zone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    assert "RDATE" not in zone
    assert (
        "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
        "TZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD"
    ) in zone
    assert (
        "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
        "TZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT"
    ) in zone


def test_weekly_9am_series_stays_at_9am_paris_across_the_october_clock_change_for_vobject():
    starts = vobject_starts(weekly_friday_calendar())
    local = [start.astimezone(PARIS) for start in starts]
    assert [moment.date() for moment in local] == [
        date(2026, 10, 16),
        date(2026, 10, 23),
        date(2026, 10, 30),
        date(2026, 11, 6),
    ]
    assert {(moment.hour, moment.minute) for moment in local} == {(9, 0)}
    utc_hours = [start.astimezone(UTC).hour for start in starts]
    assert utc_hours == [7, 7, 8, 8]


def test_weekly_9am_series_stays_at_9am_paris_across_the_march_clock_change_for_vobject():
    starts = vobject_starts(
        weekly_friday_calendar(
            start=datetime(2027, 3, 19, 9, 0, tzinfo=PARIS),
            end=datetime(2027, 3, 19, 12, 0, tzinfo=PARIS),
        )
    )
    assert [start.astimezone(UTC).hour for start in starts] == [8, 8, 7, 7]


def test_vobject_reads_the_zone_block_itself_with_the_right_offsets():
    zone = vobject.readOne(weekly_friday_calendar().decode()).vtimezone.gettzinfo()
    assert zone.utcoffset(datetime(2026, 10, 23, 9)) == timedelta(hours=2)
    assert zone.utcoffset(datetime(2026, 10, 30, 9)) == timedelta(hours=1)
    assert zone.utcoffset(datetime(2027, 7, 1, 9)) == timedelta(hours=2)


def test_icalendar_reads_the_start_back_as_9am_paris():
    event = icalendar.Calendar.from_ical(weekly_friday_calendar()).walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert start.astimezone(PARIS).hour == 9
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 10, 16, 7, 0, tzinfo=UTC)


def test_exdate_removes_one_friday_and_override_moves_another_to_10am():
    calendar = new_calendar(name="Agenda")
    first = datetime(2026, 10, 16, 9, 0, tzinfo=PARIS)
    add_event(
        calendar,
        IcsEvent(
            uid="relais-event-1@example.org",
            summary="Permanence",
            start=first,
            end=first + timedelta(hours=3),
            stamp=STAMP,
            rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=4",
            exdates=[first + timedelta(days=7)],
        ),
    )
    moved_from = datetime(2026, 10, 30, 9, 0, tzinfo=PARIS)
    add_event(
        calendar,
        IcsEvent(
            uid="relais-event-1@example.org",
            summary="Permanence",
            start=moved_from + timedelta(hours=1),
            end=moved_from + timedelta(hours=3),
            stamp=STAMP,
            sequence=2,
            recurrence_id=moved_from,
        ),
    )
    parsed = vobject.readOne(to_ics(calendar).decode())
    series, override = parsed.vevent_list
    starts = [start.astimezone(PARIS) for start in series.getrruleset(addRDate=True)]
    assert datetime(2026, 10, 23, 9, 0, tzinfo=PARIS) not in starts
    assert len(starts) == 3
    assert override.recurrence_id.value.astimezone(PARIS) == moved_from
    assert override.dtstart.value.astimezone(PARIS).hour == 10
    assert override.dtstart.value.astimezone(UTC).hour == 9  # winter: UTC+1


def test_until_is_written_in_utc_when_the_start_has_a_zone():
    text = weekly_friday_calendar(rrule="FREQ=WEEKLY;BYDAY=FR;UNTIL=20261106T235959").decode()
    assert "UNTIL=20261106T225959Z" in text
    assert len(vobject_starts(text.encode())) == 4


def test_lines_end_in_crlf_and_are_at_most_75_octets():
    ics = weekly_friday_calendar(
        summary="Atelier numérique " * 20, description="Démarches en ligne, é à ç " * 40
    )
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    parsed = vobject.readOne(ics.decode()).vevent
    assert parsed.summary.value == "Atelier numérique " * 20


def test_hostile_text_round_trips_escaped():
    hostile = 'Café, "thé"; a\\b\nsecond line <script>alert(1)</script>'
    ics = weekly_friday_calendar(summary=hostile, description=hostile, location=hostile)
    text = ics.decode()
    assert 'SUMMARY:Café\\, "thé"\\; a\\\\b\\nsecond line <script>alert(1)</script>' in text
    event = vobject.readOne(text).vevent
    assert event.summary.value == hostile
    assert event.description.value == hostile
    assert event.location.value == hostile
    assert icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["SUMMARY"] == hostile


def test_all_day_event_is_written_as_dates_with_an_exclusive_end():
    calendar = new_calendar(name="Agenda")
    add_event(
        calendar,
        IcsEvent(
            uid="relais-event-2@example.org",
            summary="Journée bilan",
            start=datetime(2023, 5, 9, 0, 0, tzinfo=PARIS),
            end=datetime(2023, 5, 9, 23, 59, tzinfo=PARIS),
            all_day=True,
            stamp=STAMP,
        ),
    )
    text = to_ics(calendar).decode()
    assert "DTSTART;VALUE=DATE:20230509\r\n" in text
    assert "DTEND;VALUE=DATE:20230510\r\n" in text
    event = vobject.readOne(text).vevent
    assert event.dtstart.value == date(2023, 5, 9)


def test_cancelled_event_carries_status_categories_url_geo_and_organizer():
    ics = weekly_friday_calendar(
        cancelled=True,
        categories=["Atelier", "Numérique, débutants"],
        url="https://example.org/agenda/permanence/",
        geo=(45.5646, 5.9178),
        organizer_name="Clef, Chantemerle",
        organizer_uri="https://example.org/structures/clef/",
        sequence=3,
        last_modified=STAMP,
    )
    event = vobject.readOne(ics.decode()).vevent
    assert event.status.value == "CANCELLED"
    assert event.categories.value == ["Atelier", "Numérique, débutants"]
    assert event.url.value == "https://example.org/agenda/permanence/"
    assert event.geo.value == "45.5646;5.9178"
    assert event.organizer.params["CN"] == ["Clef, Chantemerle"]
    assert event.sequence.value == "3"
    assert event.uid.value == "relais-event-1@example.org"
    assert event.dtstamp.value == STAMP
    assert event.last_modified.value == STAMP
