"""The agenda page, an event's page, the home block and the ICS feeds, as a visitor sees them."""

from datetime import date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import vobject

from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage, EventPage, OccurrenceOverride, Status
from agenda.services import rebuild_occurrences
from structures.factories import StructurePageFactory
from structures.models import StructureIndexPage

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def at(day: int, hour: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=PARIS)


def drop_in(structure, place=None, **fields):
    fields = {"title": "Permanence du vendredi", "slug": "permanence"} | fields
    return EventPageFactory(
        parent=structure,
        start=at(23, 9),
        end=at(23, 12),
        recurrence="FREQ=WEEKLY;BYDAY=FR",
        place=place,
        **fields,
    )


def test_the_agenda_lists_sessions_grouped_by_day(client, structure):
    EventPageFactory(parent=structure, title="Atelier mardi", start=at(20, 14), end=at(20, 16))
    drop_in(structure)
    page = client.get("/agenda/").content.decode()
    assert page.index("Mardi 20 octobre 2026") < page.index("Atelier mardi")
    assert page.index("Atelier mardi") < page.index("Vendredi 23 octobre 2026")
    assert "Permanence du vendredi" in page
    assert "CLEF Chantemerle" in page


def test_the_agenda_keeps_its_empty_state(client, home, frozen):
    page = client.get("/agenda/").content.decode()
    assert "Aucun événement pour" in page
    assert AgendaPage.empty_message


def test_the_agenda_advertises_its_calendar_and_offers_webcal_and_https(client, home, frozen):
    page = client.get("/agenda/").content.decode()
    assert '<link rel="alternate" type="text/calendar"' in page
    assert 'href="/agenda/ics/"' in page
    assert 'href="webcal://localhost/agenda/ics/"' in page
    assert 'href="http://localhost/agenda/ics/"' in page


def test_a_cancelled_session_says_so_on_the_agenda(client, structure):
    EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10), status=Status.CANCELLED)
    assert "Annulé" in client.get("/agenda/").content.decode()


def test_the_agenda_costs_the_same_queries_for_5_or_50_events(client, structure, database_cache):
    def queries() -> int:
        client.get("/agenda/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/agenda/").status_code == 200
        return len(captured)

    other = StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Agate")
    for n in range(5):
        EventPageFactory(parent=structure, start=at(20 + n % 5, 9), end=at(20 + n % 5, 10))
    few = queries()
    for n in range(45):
        EventPageFactory(
            parent=other if n % 2 else structure,
            start=at(20 + n % 10, 10),
            end=at(20 + n % 10, 11),
        )
    assert queries() == few


def test_an_event_page_shows_its_dates_place_hours_organiser_and_registration(
    client, structure, place
):
    event = drop_in(
        structure,
        place=place,
        registration_phone="04 65 71 00 02",
        registration_email="accueil@clef.example.org",
        exceptions="30/10/2026",
    )
    page = client.get(event.url).content.decode()
    assert "Chaque vendredi, 09h00 – 12h00." in page
    assert "Vendredi 23 octobre 2026, 09h00" in page
    assert "Vendredi 30 octobre 2026" not in page
    assert "Vendredi 6 novembre 2026, 09h00" in page
    assert f'href="{place.url}"' in page
    assert "Espace numérique du Piochet" in page
    assert "opening-hours-status" in page
    assert f'href="{structure.url}"' in page
    assert "04 65 71 00 02" in page
    assert 'href="mailto:accueil@clef.example.org"' in page
    assert f'href="{event.url}ics/"' in page


def test_ajouter_a_mon_agenda_gives_the_whole_series_at_9am_paris(client, structure, place):
    event = drop_in(structure, place=place, exceptions="30/10/2026")
    OccurrenceOverride.objects.create(
        page=event, original_date=date(2026, 11, 6), start=at(6, 10, 11), end=at(6, 12, 11)
    )
    response = client.get(f"{event.url}ics/")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = vobject.readOne(response.content.decode())
    series, moved = calendar.vevent_list
    starts = [moment.astimezone(PARIS) for moment in islice(series.getrruleset(addRDate=True), 4)]
    assert [moment.day for moment in starts] == [23, 6, 13, 20]
    assert {moment.hour for moment in starts} == {9}
    assert [moment.astimezone(UTC).hour for moment in starts] == [7, 8, 8, 8]
    assert moved.recurrence_id.value.astimezone(PARIS) == at(6, 9, 11)
    assert moved.dtstart.value.astimezone(PARIS).hour == 10
    assert series.uid.value == moved.uid.value == f"relais-event-{event.pk}@localhost"
    assert "Espace numérique du Piochet" in series.location.value
    assert series.geo.value == "45.5646;5.9178"


def test_the_home_page_shows_this_weeks_sessions(client, structure):
    EventPageFactory(parent=structure, title="Atelier de jeudi", start=at(22, 14), end=at(22, 16))
    EventPageFactory(parent=structure, title="La semaine suivante", start=at(27, 9), end=at(27, 10))
    page = client.get("/").content.decode()
    assert "Cette semaine dans le réseau" in page
    assert "Atelier de jeudi" in page
    assert "La semaine suivante" not in page


def test_the_whole_agenda_feed_answers_304_until_an_event_changes(client, structure):
    event = EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10))
    first = client.get("/agenda/ics/")
    assert first.status_code == 200
    assert first["ETag"]
    again = client.get("/agenda/ics/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    event.title = "Atelier déplacé"
    event.save_revision().publish()
    changed = client.get("/agenda/ics/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Atelier déplacé" in changed.content.decode()


def test_uid_stays_and_sequence_grows_when_an_event_is_edited(client, structure):
    event = EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10))
    event.save_revision().publish()
    before = vobject.readOne(client.get("/agenda/ics/").content.decode()).vevent
    page = EventPage.objects.get(pk=event.pk)
    page.start, page.end = at(21, 10), at(21, 11)
    page.save_revision().publish()
    after = vobject.readOne(client.get("/agenda/ics/").content.decode()).vevent
    assert before.uid.value == after.uid.value
    assert int(after.sequence.value) > int(before.sequence.value)
    assert after.dtstart.value.astimezone(PARIS).hour == 10


def test_a_structures_feed_holds_only_its_own_events(client, structure):
    other = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Agate", slug="agate"
    )
    EventPageFactory(parent=structure, title="Chez la CLEF", start=at(21, 9), end=at(21, 10))
    EventPageFactory(parent=other, title="Chez Agate", start=at(21, 9), end=at(21, 10))
    body = client.get("/agenda/ics/structure/clef/").content.decode()
    assert "Chez la CLEF" in body
    assert "Chez Agate" not in body
    assert "X-WR-CALNAME:Agenda : CLEF Chantemerle" in body
    assert client.get("/agenda/ics/structure/inconnue/").status_code == 404


def test_the_feed_skips_events_older_than_three_months(client, structure):
    EventPageFactory(
        parent=structure, title="Il y a longtemps", start=at(1, 9, 1), end=at(1, 10, 1)
    )
    assert "Il y a longtemps" not in client.get("/agenda/ics/").content.decode()


def test_hostile_text_reaches_the_feed_escaped(client, structure):
    EventPageFactory(
        parent=structure,
        title="<script>alert(1)</script>; a, b\\c",
        summary="ligne 1\nligne 2",
        start=at(21, 9),
        end=at(21, 10),
    )
    body = client.get("/agenda/ics/").content.decode()
    event = vobject.readOne(body).vevent
    assert event.summary.value == "<script>alert(1)</script>; a, b\\c"
    assert "SUMMARY:<script>alert(1)</script>\\; a\\, b\\\\c\r\n" in body
    page = client.get("/agenda/").content.decode()
    assert "<script>alert(1)</script>" not in page


def test_the_feed_is_one_query_set_whatever_the_number_of_events(client, structure, database_cache):
    def queries() -> int:
        client.get("/agenda/ics/")
        cache.clear()  # measure a rendering, not the cached copy
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/agenda/ics/").status_code == 200
        return len(captured)

    for n in range(3):
        drop_in(structure, slug=f"p{n}", title=f"Série {n}")
    few = queries()
    for n in range(12):
        EventPageFactory(
            parent=structure,
            start=at(21, 9) + timedelta(days=n),
            end=at(21, 10) + timedelta(days=n),
        )
    assert queries() == few


def test_an_events_sessions_follow_a_rebuild_after_an_override_is_removed(structure):
    event = drop_in(structure)
    override = OccurrenceOverride.objects.create(
        page=event, original_date=date(2026, 10, 30), cancelled=True
    )
    rebuild_occurrences(event=EventPage.objects.get(pk=event.pk))
    assert event.occurrences.filter(cancelled=True).count() == 1
    override.delete()
    rebuild_occurrences(event=EventPage.objects.get(pk=event.pk))
    assert event.occurrences.filter(cancelled=True).count() == 0


def test_the_feed_is_served_from_the_cache_until_an_event_changes(client, structure):
    event = EventPageFactory(parent=structure, title="Atelier", start=at(21, 9), end=at(21, 10))
    first = client.get("/agenda/ics/").content
    EventPage.objects.filter(pk=event.pk).update(summary="changé sans publication")
    assert client.get("/agenda/ics/").content == first
    event.title = "Atelier publié"
    event.save_revision().publish()
    assert "Atelier publié" in client.get("/agenda/ics/").content.decode()


def test_a_place_page_can_list_its_next_sessions_through_the_agenda_tag(rf, structure, place):
    drop_in(structure, place=place)
    EventPageFactory(parent=structure, title="Ailleurs", start=at(21, 9), end=at(21, 10))
    html = Template("{% load agenda_tags %}{% place_events place %}").render(
        Context({"place": place, "request": rf.get("/")})
    )
    assert "Prochains événements" in html
    assert html.count("Permanence du vendredi") == 5
    assert "Ailleurs" not in html


def test_a_structure_page_can_list_its_next_sessions_through_the_agenda_tag(rf, structure):
    other = StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Agate")
    EventPageFactory(parent=structure, title="Chez la CLEF", start=at(21, 9), end=at(21, 10))
    EventPageFactory(parent=other, title="Chez Agate", start=at(21, 9), end=at(21, 10))
    html = Template("{% load agenda_tags %}{% structure_events structure %}").render(
        Context({"structure": structure, "request": rf.get("/")})
    )
    assert "Chez la CLEF" in html
    assert "Chez Agate" not in html


def test_a_place_page_and_its_structure_page_show_their_next_sessions(
    client, structure, place, frozen
):
    drop_in(structure, place=place)
    place_page = client.get(place.url).content.decode()
    structure_page = client.get(structure.url).content.decode()
    assert "Prochains événements" in place_page
    assert "Permanence du vendredi" in place_page
    assert "Permanence du vendredi" in structure_page


def test_structure_and_place_pages_advertise_their_event_feeds(client, structure, place):
    structure_head = client.get(structure.url).content.decode().split("</head>")[0]
    place_head = client.get(place.url).content.decode().split("</head>")[0]
    for head in (structure_head, place_head):
        assert '<link rel="alternate" type="text/calendar"' in head
        assert 'type="application/rss+xml"' in head
    assert "structure=clef" in structure_head
    assert f"lieu={place.pk}" in place_head
