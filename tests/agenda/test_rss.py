"""The agenda's RSS feed of upcoming events, as a feed reader polls it (clock frozen on Monday
19 October 2026, 08:00 in Paris)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from defusedxml import ElementTree

from agenda.factories import EventPageFactory
from agenda.models import EventPage, Status
from structures.factories import StructurePageFactory
from structures.models import StructureIndexPage

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=PARIS)


def items(response) -> list[dict[str, str]]:
    channel = ElementTree.fromstring(response.content).find("channel")
    return [{child.tag: child.text or "" for child in item} for item in channel.iter("item")]


def test_the_feed_lists_each_upcoming_event_once_by_its_next_session(client, structure):
    EventPageFactory(
        parent=structure,
        title="Permanence du vendredi",
        start=at(2, 9),
        end=at(2, 12),
        recurrence="FREQ=WEEKLY;BYDAY=FR",
    )
    EventPageFactory(parent=structure, title="Atelier mardi", start=at(20, 14), end=at(20, 16))
    EventPageFactory(parent=structure, title="C'est passé", start=at(16, 14), end=at(16, 16))
    response = client.get("/agenda/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    listed = items(response)
    assert [item["title"] for item in listed] == ["Atelier mardi", "Permanence du vendredi"]
    assert "<p>Vendredi 23 octobre 2026, 09h00</p>" in listed[1]["description"]
    assert listed[0]["link"].startswith("http://localhost/structures/clef/")
    assert listed[0]["category"] == "Atelier"
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.find("title").text == "Agenda du réseau"
    assert channel.find("link").text == "http://localhost/agenda/"


def test_a_session_of_today_stays_in_the_feed_all_day(client, structure):
    EventPageFactory(parent=structure, title="Ce matin", start=at(19, 6), end=at(19, 7))
    assert [item["title"] for item in items(client.get("/agenda/rss/"))] == ["Ce matin"]


def test_the_feed_follows_the_filters(client, structure):
    agate = StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Agate")
    EventPageFactory(parent=structure, title="Chez la CLEF", start=at(21, 9), end=at(21, 10))
    EventPageFactory(
        parent=agate,
        title="Chez Agate",
        start=at(21, 9),
        end=at(21, 10),
        category="formation",
    )
    response = client.get(f"/agenda/rss/?structure={agate.slug}")
    assert [item["title"] for item in items(response)] == ["Chez Agate"]
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.find("title").text == "Agenda du réseau : Agate"
    assert channel.find("link").text == f"http://localhost/agenda/?structure={agate.slug}"
    assert items(client.get("/agenda/rss/?categorie=atelier")) == items(
        client.get(f"/agenda/rss/?structure={structure.slug}")
    )
    assert client.get("/agenda/rss/?structure=inconnue").status_code == 404


def test_hostile_text_reaches_the_feed_escaped_and_a_cancelled_event_says_so(client, structure):
    EventPageFactory(
        parent=structure,
        title="<script>alert(1)</script>",
        summary='<img src=x onerror="alert(2)">',
        start=at(21, 9),
        end=at(21, 10),
        status=Status.CANCELLED,
    )
    body = client.get("/agenda/rss/").content.decode()
    assert "<script>" not in body
    (item,) = items(client.get("/agenda/rss/"))
    assert item["title"] == "<script>alert(1)</script> (annulé)"
    # The description is HTML for readers: the event's own text stays text in it.
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in item["description"]
    assert "<img" not in item["description"]


def test_the_feed_answers_304_until_an_event_changes_or_the_day_turns(client, structure):
    event = EventPageFactory(parent=structure, title="Atelier", start=at(21, 9), end=at(21, 10))
    first = client.get("/agenda/rss/")
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    assert client.get("/agenda/rss/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert (
        client.get("/agenda/rss/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    )
    page = EventPage.objects.get(pk=event.pk)
    page.title = "Atelier déplacé"
    page.save_revision().publish()
    changed = client.get("/agenda/rss/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Atelier déplacé" in changed.content.decode()
    with time_machine.travel(at(20, 0) + timedelta(minutes=5), tick=False):
        assert client.get("/agenda/rss/", HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_the_agenda_advertises_its_rss_feed(client, home, frozen):
    html = client.get("/agenda/").content.decode()
    head = html[: html.index("</head>")]
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Agenda du réseau (RSS)" '
        'href="/agenda/rss/">' in head
    )
    assert 'href="/agenda/rss/">Fil RSS des prochains événements</a>' in html
