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


# --- Read back by both parsers: icalendar and vobject agree on what was written -------------


def both_parsers(ics: bytes) -> list[tuple[dict, object]]:
    """Each VEVENT as icalendar and vobject read it."""
    ical_events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    vobject_events = vobject.readOne(ics.decode()).vevent_list
    assert len(ical_events) == len(vobject_events)
    return list(zip(ical_events, vobject_events, strict=True))


def physical_lines(ics: bytes) -> list[bytes]:
    assert ics.endswith(b"\r\n")
    return ics[:-2].split(b"\r\n")


def assert_well_formed(ics: bytes) -> None:
    """CRLF only, at most 75 octets a line, and no line cut inside a UTF-8 sequence."""
    for line in physical_lines(ics):
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 75
        line.decode()  # raises if a multi-byte character was split across two lines


def test_a_line_of_exactly_75_octets_stays_whole_and_76_octets_fold():
    exactly = weekly_friday_calendar(summary="a" * (75 - len("SUMMARY:")))
    assert b"\r\nSUMMARY:" + b"a" * 67 + b"\r\nDTSTART" in exactly
    longer = weekly_friday_calendar(summary="a" * 68)
    assert b"\r\nSUMMARY:" + b"a" * 67 + b"\r\n a\r\n" in longer
    for ics, length in ((exactly, 67), (longer, 68)):
        for ical, vob in both_parsers(ics):
            assert ical["SUMMARY"] == vob.summary.value == "a" * length


def test_folding_never_splits_a_multi_byte_character_at_the_75th_octet():
    # "SUMMARY:" + 66 ASCII octets puts the 2-, 3- or 4-octet character across octet 75.
    for character in ("é", "€", "🙂"):
        summary = "a" * 66 + character * 30 + " fin"
        ics = weekly_friday_calendar(summary=summary, description=character * 200)
        assert_well_formed(ics)
        first = next(line for line in physical_lines(ics) if line.startswith(b"SUMMARY:"))
        assert first == b"SUMMARY:" + b"a" * 66  # the character moved whole to the next line
        for ical, vob in both_parsers(ics):
            assert ical["SUMMARY"] == vob.summary.value == summary
            assert ical["DESCRIPTION"] == vob.description.value == character * 200


def test_a_10000_character_title_is_folded_and_read_back_whole():
    title = ("Atelier « numérique » pour tous, débutants; " * 250)[:10_000]
    ics = weekly_friday_calendar(summary=title)
    assert_well_formed(ics)
    for ical, vob in both_parsers(ics):
        assert ical["SUMMARY"] == vob.summary.value == title


def test_commas_semicolons_backslashes_and_newlines_are_escaped_for_both_parsers():
    text = "a, b; c\\d\ne\r\nf\rg"
    ics = weekly_friday_calendar(
        summary=text, description=text, location=text, categories=["x, y", "z;w"]
    )
    assert "SUMMARY:a\\, b\\; c\\\\d\\ne\\nf\\ng\r\n" in ics.decode()
    read = "a, b; c\\d\ne\nf\ng"
    for ical, vob in both_parsers(ics):
        assert ical["SUMMARY"] == vob.summary.value == read
        assert ical["DESCRIPTION"] == vob.description.value == read
        assert ical["LOCATION"] == vob.location.value == read
        assert list(ical["CATEGORIES"].cats) == vob.categories.value == ["x, y", "z;w"]


def test_line_breaks_cannot_inject_a_property_anywhere():
    """CR, LF and Unicode line breaks in any field stay inside their value: no new line, no
    ATTACH or second DTSTART."""
    injection = "Atelier\r\nATTACH:https://evil.example/x.exe\nDTSTART:19000101T000000Z\u2028\x85"
    ics = weekly_friday_calendar(
        uid="relais-event-1@example.org\r\nATTACH:x",
        summary=injection,
        description=injection,
        location=injection,
        categories=[injection],
        url="https://example.org/a\r\nATTACH:https://evil.example/",
        organizer_name='Clef "Chantemerle"\r\nATTACH:x',
        organizer_uri="mailto:a@example.org\r\nATTACH:x",
        rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=4\r\nATTACH:x",
    )
    assert_well_formed(ics)
    lines = physical_lines(ics)
    event = lines[lines.index(b"BEGIN:VEVENT") :]
    starts = [line for line in event if line.startswith((b"ATTACH", b"DTSTART"))]
    assert starts == [b"DTSTART;TZID=Europe/Paris:20261016T090000"]
    assert b"\x85" not in ics and "\u2028".encode() not in ics
    for ical, vob in both_parsers(ics):
        assert "ATTACH" not in ical
        assert not hasattr(vob, "attach")
        assert ical["SUMMARY"] == vob.summary.value
        assert vob.summary.value.startswith("Atelier\nATTACH:https://evil.example/x.exe\n")
        assert ical.decoded("DTSTART") == datetime(2026, 10, 16, 9, 0, tzinfo=PARIS)
        assert " " not in vob.url.value and "\n" not in vob.url.value
        assert vob.organizer.params["CN"] == ["Clef 'Chantemerle' ATTACH:x"]
        assert str(ical["RRULE"].to_ical().decode()) == "FREQ=WEEKLY;COUNT=4;BYDAY=FR"
    assert len(vobject_starts(ics)) == 4


def test_script_tags_are_plain_text_in_a_calendar():
    """A calendar is not HTML: the text goes as written, escaped for iCalendar only."""
    hostile = "<script>alert(1)</script>"
    ics = weekly_friday_calendar(summary=hostile)
    assert f"SUMMARY:{hostile}\r\n" in ics.decode()
    for ical, vob in both_parsers(ics):
        assert ical["SUMMARY"] == vob.summary.value == hostile


def test_an_all_day_event_over_three_days_ends_the_day_after_its_last_day():
    ics = weekly_friday_calendar(
        rrule="",
        all_day=True,
        # Saturday to Monday, across the October clock change.
        start=datetime(2026, 10, 24, 0, 0, tzinfo=PARIS),
        end=datetime(2026, 10, 26, 23, 59, tzinfo=PARIS),
    )
    assert b"DTSTART;VALUE=DATE:20261024\r\nDTEND;VALUE=DATE:20261027\r\n" in ics
    for ical, vob in both_parsers(ics):
        assert ical.decoded("DTSTART") == vob.dtstart.value == date(2026, 10, 24)
        assert ical.decoded("DTEND") == vob.dtend.value == date(2026, 10, 27)


def test_a_series_with_an_exception_and_a_moved_session_reads_9am_paris_around_the_clock_change():
    """Weekly on Friday at 9 h from 16 October: the 23rd (summer time) is removed, the 30th
    (winter time) starts at 10 h. Both parsers read 9 h local, i.e. 7 h then 8 h UTC."""
    calendar = new_calendar(name="Agenda")
    first = datetime(2026, 10, 16, 9, 0, tzinfo=PARIS)
    moved_from = datetime(2026, 10, 30, 9, 0, tzinfo=PARIS)
    common = {"uid": "relais-event-1@example.org", "summary": "Permanence", "stamp": STAMP}
    add_event(
        calendar,
        IcsEvent(
            start=first.astimezone(UTC),  # stored in UTC, written in Paris time
            end=first + timedelta(hours=3),
            rrule="FREQ=WEEKLY;BYDAY=FR;UNTIL=20261120",
            exdates=[datetime(2026, 10, 23, 9, 0, tzinfo=PARIS)],
            **common,
        ),
    )
    add_event(
        calendar,
        IcsEvent(
            start=datetime(2026, 10, 30, 10, 0, tzinfo=PARIS),
            end=datetime(2026, 10, 30, 12, 0, tzinfo=PARIS),
            recurrence_id=moved_from,
            **common,
        ),
    )
    ics = to_ics(calendar)
    text = ics.decode()
    assert "EXDATE;TZID=Europe/Paris:20261023T090000\r\n" in text
    assert "RECURRENCE-ID;TZID=Europe/Paris:20261030T090000\r\n" in text
    assert "RRULE:FREQ=WEEKLY;BYDAY=FR;UNTIL=20261120T225959Z\r\n" in text
    (ical_series, vob_series), (ical_moved, vob_moved) = both_parsers(ics)
    assert ical_series.decoded("DTSTART").astimezone(UTC).hour == 7
    (excluded,) = [moment.dt for moment in ical_series["EXDATE"].dts]
    assert excluded == datetime(2026, 10, 23, 9, 0, tzinfo=PARIS)
    assert excluded.astimezone(UTC).hour == 7
    assert ical_moved.decoded("RECURRENCE-ID").astimezone(UTC) == moved_from.astimezone(UTC)
    assert ical_moved.decoded("RECURRENCE-ID").astimezone(UTC).hour == 8
    assert ical_moved.decoded("DTSTART").astimezone(UTC).hour == 9
    starts = [moment.astimezone(PARIS) for moment in vob_series.getrruleset(addRDate=True)]
    assert [moment.day for moment in starts] == [16, 30, 6, 13, 20]
    assert {moment.hour for moment in starts} == {9}
    assert [moment.astimezone(UTC).hour for moment in starts] == [7, 8, 8, 8, 8]
    assert vob_moved.recurrence_id.value == moved_from
    assert vob_moved.dtstart.value.astimezone(PARIS).hour == 10
    assert ical_series["UID"] == ical_moved["UID"] == vob_moved.uid.value


def test_a_cancelled_event_carries_status_categories_url_geo_organizer_and_dates_of_change():
    changed = datetime(2026, 9, 30, 8, 15, tzinfo=UTC)
    ics = weekly_friday_calendar(
        cancelled=True,
        categories=["Atelier", "Numérique, débutants"],
        url="https://example.org/agenda/atelier-été/",
        geo=(45.5646, 5.9178),
        organizer_name="Clef, Chantemerle",
        organizer_uri="mailto:contact@example.org",
        sequence=3,
        last_modified=changed,
    )
    text = ics.decode()
    assert "URL:https://example.org/agenda/atelier-%C3%A9t%C3%A9/\r\n" in text
    assert 'ORGANIZER;CN="Clef, Chantemerle":mailto:contact@example.org\r\n' in text
    ((ical, vob),) = both_parsers(ics)
    assert ical["STATUS"] == vob.status.value == "CANCELLED"
    assert list(ical["CATEGORIES"].cats) == vob.categories.value
    assert vob.categories.value == ["Atelier", "Numérique, débutants"]
    assert ical["URL"] == vob.url.value == "https://example.org/agenda/atelier-%C3%A9t%C3%A9/"
    assert (ical["GEO"].latitude, ical["GEO"].longitude) == (45.5646, 5.9178)
    assert vob.geo.value == "45.5646;5.9178"
    assert ical["ORGANIZER"] == vob.organizer.value == "mailto:contact@example.org"
    assert ical["ORGANIZER"].params["CN"] == "Clef, Chantemerle"
    assert vob.organizer.params["CN"] == ["Clef, Chantemerle"]
    assert ical.decoded("LAST-MODIFIED") == vob.last_modified.value == changed
    assert ical.decoded("DTSTAMP") == vob.dtstamp.value == STAMP
    assert ical["SEQUENCE"] == int(vob.sequence.value) == 3
    assert ical["UID"] == vob.uid.value == "relais-event-1@example.org"


def test_a_confirmed_event_says_so_and_a_place_without_coordinates_writes_no_geo():
    ics = weekly_friday_calendar(geo=(float("nan"), 5.9))
    for ical, vob in both_parsers(ics):
        assert ical["STATUS"] == vob.status.value == "CONFIRMED"
        assert "GEO" not in ical
