"""The agenda's ICS feeds as calendar clients read them: every feed is parsed back by two
independent parsers, icalendar and vobject, and both must read the same thing."""

from datetime import UTC, date, datetime, timedelta
from itertools import islice

import icalendar
import time_machine
import vobject

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from agenda.factories import EventPageFactory
from agenda.models import Category, EventPage, Mode, OccurrenceOverride, Status
from agenda.recurrence import PARIS
from agenda.services import rebuild_occurrences
from tests.agenda.test_views import at, drop_in


def feed(client, url: str = "/agenda/ics/") -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def both_parsers(ics: bytes) -> list[tuple]:
    """Each VEVENT as icalendar and as vobject read it, in the feed's order."""
    ical_events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    vobject_events = vobject.readOne(ics.decode()).vevent_list
    assert len(ical_events) == len(vobject_events)
    return list(zip(ical_events, vobject_events, strict=True))


def events_titled(ics: bytes, title: str) -> list[tuple]:
    return [pair for pair in both_parsers(ics) if pair[1].summary.value == title]


def test_a_series_with_an_exception_and_changed_sessions_reads_9am_paris_in_both_parsers(
    client, structure
):
    event = drop_in(structure, exceptions="30/10/2026")
    OccurrenceOverride.objects.create(
        page=event, original_date=date(2026, 11, 6), start=at(6, 10, 11), end=at(6, 12, 11)
    )
    OccurrenceOverride.objects.create(page=event, original_date=date(2026, 11, 13), cancelled=True)
    (series, moved, cancelled) = both_parsers(feed(client))
    ical, vob = series
    assert ical.decoded("DTSTART") == vob.dtstart.value == at(23, 9)
    assert ical.decoded("DTSTART").astimezone(UTC).hour == 7  # summer time
    assert [moment.dt for moment in ical["EXDATE"].dts] == [at(30, 9)]
    assert at(30, 9).astimezone(UTC).hour == 8  # winter time
    starts = [moment.astimezone(PARIS) for moment in islice(vob.getrruleset(addRDate=True), 4)]
    assert [moment.date() for moment in starts] == [
        date(2026, 10, 23),
        date(2026, 11, 6),
        date(2026, 11, 13),
        date(2026, 11, 20),
    ]
    assert {moment.hour for moment in starts} == {9}
    ical, vob = moved
    assert ical.decoded("RECURRENCE-ID") == vob.recurrence_id.value == at(6, 9, 11)
    assert ical.decoded("DTSTART") == vob.dtstart.value == at(6, 10, 11)
    assert ical.decoded("DTEND").astimezone(UTC) == datetime(2026, 11, 6, 11, 0, tzinfo=UTC)
    assert ical["STATUS"] == vob.status.value == "CONFIRMED"
    ical, vob = cancelled
    assert ical.decoded("RECURRENCE-ID") == vob.recurrence_id.value == at(13, 9, 11)
    assert ical.decoded("DTSTART") == at(13, 9, 11)  # a cancelled session keeps its times
    assert ical["STATUS"] == vob.status.value == "CANCELLED"
    uids = {ical["UID"] for ical, _vob in (series, moved, cancelled)}
    assert uids == {f"relais-event-{event.pk}@localhost"}


def test_an_event_carries_its_place_organiser_categories_link_and_dates_of_change(
    client, structure, place
):
    event = EventPageFactory(
        parent=structure,
        title="Conférence de clôture",
        summary="Bilan de l'année, ouvert à tous.",
        category=Category.CONFERENCE,
        start=at(22, 18),
        end=at(22, 20),
        place=place,
        registration_email="inscriptions@clef.example",
        registration_url="https://clef.example/inscription",
    )
    event.tags.add("numérique", "seniors")
    event.save_revision().publish()
    event.refresh_from_db()
    ((ical, vob),) = both_parsers(feed(client))
    assert list(ical["CATEGORIES"].cats) == vob.categories.value
    assert vob.categories.value == ["Conférence", "numérique", "seniors"]
    location = "Espace numérique du Piochet, 1 place de l'Hôtel de Ville, 73000 Chambéry"
    assert ical["LOCATION"] == vob.location.value == location
    assert (ical["GEO"].latitude, ical["GEO"].longitude) == (45.5646, 5.9178)
    assert vob.geo.value == "45.5646;5.9178"
    assert ical["ORGANIZER"] == vob.organizer.value == "mailto:inscriptions@clef.example"
    assert ical["ORGANIZER"].params["CN"] == "CLEF Chantemerle"
    assert vob.organizer.params["CN"] == ["CLEF Chantemerle"]
    assert ical["URL"] == vob.url.value == event.get_full_url()
    assert ical["DESCRIPTION"] == vob.description.value
    assert vob.description.value == (
        "Bilan de l'année, ouvert à tous.\n\nhttps://clef.example/inscription\n\n"
        + event.get_full_url()
    )
    assert ical.decoded("LAST-MODIFIED") == vob.last_modified.value == event.last_published_at
    assert ical["SEQUENCE"] == int(vob.sequence.value) == 1


def test_the_feed_gives_the_same_page_address_as_wagtail_even_with_accents(client, structure):
    event = EventPageFactory(parent=structure, slug="atelier-été", start=at(21, 9), end=at(21, 10))
    ((ical, vob),) = both_parsers(feed(client))
    assert vob.url.value == ical["URL"] == event.get_full_url()
    assert vob.url.value == "http://localhost/structures/clef/atelier-%C3%A9t%C3%A9/"


def test_an_unpublished_place_gives_neither_its_address_nor_its_coordinates(
    client, structure, place
):
    EventPageFactory(
        parent=structure, place=place, address="Salle des fêtes", start=at(21, 9), end=at(21, 10)
    )
    place.unpublish()
    ((ical, vob),) = both_parsers(feed(client))
    assert ical["LOCATION"] == vob.location.value == "Salle des fêtes"
    assert "GEO" not in ical


def test_an_online_event_gives_its_link_as_location(client, structure):
    EventPageFactory(
        parent=structure,
        mode=Mode.ONLINE,
        online_url="https://visio.example/atelier",
        start=at(21, 9),
        end=at(21, 10),
    )
    ((ical, vob),) = both_parsers(feed(client))
    assert ical["LOCATION"] == vob.location.value == "https://visio.example/atelier"


def test_an_all_day_event_over_three_days_ends_the_day_after_its_last_day(client, structure):
    EventPageFactory(
        parent=structure,
        title="Formation de formateurs",
        all_day=True,
        start=at(24, 0),  # Saturday to Monday, across the clock change
        end=datetime(2026, 10, 26, 23, 59, tzinfo=PARIS),
    )
    body = feed(client)
    assert b"DTSTART;VALUE=DATE:20261024\r\nDTEND;VALUE=DATE:20261027\r\n" in body
    ((ical, vob),) = both_parsers(body)
    assert ical.decoded("DTSTART") == vob.dtstart.value == date(2026, 10, 24)
    assert ical.decoded("DTEND") == vob.dtend.value == date(2026, 10, 27)


def test_a_cancelled_event_is_cancelled_with_every_changed_session(client, structure):
    event = drop_in(structure, status=Status.CANCELLED)
    OccurrenceOverride.objects.create(
        page=event, original_date=date(2026, 10, 30), start=at(30, 10), end=at(30, 12)
    )
    pairs = both_parsers(feed(client))
    assert len(pairs) == 2
    assert {ical["STATUS"] for ical, _vob in pairs} == {"CANCELLED"}
    assert {vob.status.value for _ical, vob in pairs} == {"CANCELLED"}


def test_hostile_text_stays_inside_its_value_in_both_parsers(client, structure):
    """Line breaks stored in any field (bypassing the forms) never add a property."""
    injection = "\r\nATTACH:https://evil.example/x.exe\r\nDTSTART:19000101T000000Z"
    event = EventPageFactory(
        parent=structure,
        title="<script>alert(1)</script>" + injection,
        summary="Résumé" + injection,
        address="Salle, 1 rue; 73000" + injection,
        start=at(21, 9),
        end=at(21, 10),
    )
    # The model's validation refuses these: write them as a script or an import could.
    EventPage.objects.filter(pk=event.pk).update(
        registration_url="https://clef.example/" + injection,
        registration_email="a@clef.example" + injection,
    )
    body = feed(client)
    lines = body.split(b"\r\n")
    assert not [line for line in lines if line.startswith(b"ATTACH")]
    assert len([line for line in lines if line.startswith(b"DTSTART;TZID")]) == 1
    ((ical, vob),) = both_parsers(body)
    assert "ATTACH" not in ical
    assert not hasattr(vob, "attach")
    title = "<script>alert(1)</script>\nATTACH:https://evil.example/x.exe\nDTSTART:19000101T000000Z"
    assert ical["SUMMARY"] == vob.summary.value == title
    assert ical["LOCATION"] == vob.location.value
    assert vob.location.value.startswith("Salle, 1 rue; 73000\nATTACH")
    assert ical.decoded("DTSTART") == vob.dtstart.value == at(21, 9)
    assert "\n" not in vob.organizer.value and " " not in vob.organizer.value


def test_uids_stay_while_sequence_and_last_modified_follow_each_edit(client, structure, frozen):
    event = drop_in(structure)
    event.save_revision().publish()
    (before,) = both_parsers(feed(client))
    with time_machine.travel(frozen + timedelta(hours=2), tick=False):
        page = EventPage.objects.get(pk=event.pk)
        page.title = "Permanence numérique du vendredi"
        page.start, page.end = at(23, 10), at(23, 12)
        page.overrides.add(OccurrenceOverride(original_date=date(2026, 11, 6), cancelled=True))
        page.save_revision().publish()
        rebuild_occurrences(event=page)
        after_series, after_session = both_parsers(feed(client))
    uid = f"relais-event-{event.pk}@localhost"
    assert before[0]["UID"] == after_series[0]["UID"] == after_session[0]["UID"] == uid
    assert after_session[1].uid.value == uid
    assert int(after_series[1].sequence.value) > int(before[1].sequence.value)
    assert after_series[0]["SEQUENCE"] == after_session[0]["SEQUENCE"] == 2
    assert after_series[0].decoded("LAST-MODIFIED") == frozen + timedelta(hours=2)
    assert before[0].decoded("LAST-MODIFIED") < after_series[0].decoded("LAST-MODIFIED")
    assert after_series[1].summary.value == "Permanence numérique du vendredi"


def test_a_feed_answers_304_to_if_modified_since_and_to_its_etag(client, structure):
    event = EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10))
    url = "/agenda/ics/structure/clef/"
    first = client.get(url)
    assert first["Last-Modified"] == http_date(event.last_published_at.timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    cache.clear()  # a fresh rendering answers the same version
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_tags_and_changed_sessions_cost_no_query_per_event(client, structure, database_cache):
    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            feed(client)
        return len(captured)

    def add_events(count: int, offset: int) -> None:
        for n in range(offset, offset + count):
            event = drop_in(structure, slug=f"serie-{n}", title=f"Série {n}")
            event.tags.add(f"mot-{n}", "commun")
            event.save()
            OccurrenceOverride.objects.create(
                page=event, original_date=date(2026, 10, 30), cancelled=True
            )

    add_events(2, 0)
    few = queries()
    add_events(10, 2)
    assert queries() == few
    pairs = both_parsers(feed(client))
    assert len(pairs) == 24  # twelve series, each with its cancelled session
    assert {tuple(vob.categories.value) for _ical, vob in pairs[:1]} == {
        ("Atelier", "commun", "mot-0")
    }
