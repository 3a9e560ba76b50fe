"""The watch's feeds as clients read them: the deadlines calendar (one all-day entry per
deadline, read back by icalendar and vobject) and the RSS feed of new calls, both following the
filters, answering conditional GETs, and refusing filters they do not understand."""

from datetime import date, time

import icalendar
import pytest
import vobject
from defusedxml import ElementTree

from django.utils.http import http_date

from veille.models import Recurrence

from .conftest import call, days


@pytest.fixture
def calls(veille, structure, theme_inclusion, europe):
    return {
        "fse": call(
            veille,
            "FSE+ ; inclusion, numérique",
            deadline=days(75),
            funders=[europe],
            themes=[theme_inclusion],
        ),
        "midi": call(structure, "Appel de la CLEF", deadline=days(3), deadline_time=time(12, 0)),
        "permanent": call(
            veille, "Aide permanente", deadline=None, recurrence=Recurrence.PERMANENT
        ),
        "ancien": call(veille, "Clos il y a un an", deadline=days(-365)),
        "recent": call(veille, "Clos hier", deadline=days(-1)),
    }


def read(ics: bytes) -> list[tuple]:
    ical_events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    vobject_events = vobject.readOne(ics.decode()).vevent_list
    assert len(ical_events) == len(vobject_events)
    return list(zip(ical_events, vobject_events, strict=True))


def test_the_calendar_has_one_all_day_entry_per_deadline(client, calls):
    response = client.get("/veille/ics/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = read(response.content)
    summaries = [ical["SUMMARY"] for ical, _vobj in events]
    assert summaries == [
        "Date limite : Clos hier",
        "Date limite : Appel de la CLEF",
        "Date limite : FSE+ ; inclusion, numérique",
    ]
    ical, vobj = events[1]
    assert ical.decoded("DTSTART") == date(2026, 10, 22)
    assert ical.decoded("DTEND") == date(2026, 10, 23)
    assert vobj.dtstart.value == date(2026, 10, 22)
    assert "jeudi 22 octobre 2026, 12h00" in str(ical["DESCRIPTION"])
    assert str(ical["URL"]) == "http://localhost/structures/clef/appel-de-la-clef/"
    assert str(ical["UID"]).startswith(f"relais-appel-{calls['midi'].pk}-")
    assert events[2][1].summary.value == "Date limite : FSE+ ; inclusion, numérique"


def test_the_calendar_follows_the_filters_but_keeps_closed_deadlines(client, calls):
    events = read(client.get("/veille/ics/?statut=ouvert&theme=inclusion-numerique").content)
    assert [ical["SUMMARY"] for ical, _vobj in events] == [
        "Date limite : FSE+ ; inclusion, numérique"
    ]
    names = icalendar.Calendar.from_ical(
        client.get("/veille/ics/?theme=inclusion-numerique").content
    )["X-WR-CALNAME"]
    assert names == "Veille financements : Inclusion numérique"


def test_feeds_with_filters_they_do_not_understand_do_not_exist(client, calls):
    assert client.get("/veille/ics/?theme=disparu").status_code == 404
    assert client.get("/veille/rss/?financeur=%3Cb%3E").status_code == 404
    assert client.get("/veille/rss/?ma_structure=1").status_code == 404


def test_the_rss_feed_lists_the_newest_calls_first(client, calls):
    response = client.get("/veille/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.find("title").text == "Veille financements"
    items = [{child.tag: child.text or "" for child in item} for item in channel.iter("item")]
    assert [item["title"] for item in items][:1] == ["Clos hier"]
    fse = next(item for item in items if item["title"].startswith("FSE+"))
    assert "<p>Ouvert · date limite : samedi 2 janvier 2027</p>" in fse["description"]
    assert "<p>Union européenne (FSE+)</p>" in fse["description"]
    assert fse["link"] == "http://localhost/veille/fse-inclusion-numerique/"


def test_feeds_answer_conditional_gets(client, calls):
    for url in ("/veille/ics/", "/veille/rss/"):
        first = client.get(url)
        assert first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        later = http_date(calls["fse"].last_published_at.timestamp() + 60)
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 304


def test_a_publication_changes_the_feeds_version(client, calls, veille):
    etag = client.get("/veille/ics/")["ETag"]
    call(veille, "Nouvel appel", deadline=days(20))
    assert client.get("/veille/ics/", HTTP_IF_NONE_MATCH=etag).status_code == 200
