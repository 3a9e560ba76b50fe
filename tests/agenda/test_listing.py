"""The agenda's views as a visitor uses them: filters, this week, a month, three months, print.

The clock is frozen on Monday 19 October 2026, 08:00 in Paris (tests/agenda/conftest.py): the
clocks go back on Sunday the 25th.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from agenda.factories import EventPageFactory
from agenda.models import Category, EventPage
from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage, Term, Vocabulary

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int, month: int = 10, year: int = 2026, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def event(parent, title: str, start: datetime, hours: float = 1, **fields) -> EventPage:
    return EventPageFactory(
        parent=parent, title=title, start=start, end=start + timedelta(hours=hours), **fields
    )


def tagged(page: EventPage, *, tags=(), publics=()) -> EventPage:
    """Tags and publics, saved on the live page (the factory built its occurrences)."""
    page.tags.add(*tags)
    page.terms = list(Term.objects.filter(vocabulary=Vocabulary.PUBLICS, code__in=publics))
    page.save()
    return page


@pytest.fixture
def agate(structure):
    return StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Agate", slug="agate"
    )


@pytest.fixture
def network(structure, place, agate):
    """Four events of two structures, in two communes, with categories, tags and publics."""
    elsewhere = LieuPageFactory(parent=agate, title="Médiathèque Agate", commune="La Motte")
    return {
        "asl": tagged(
            event(structure, "Atelier ASL", at(20, 14), category=Category.WORKSHOP, place=place),
            tags=["asl"],
            publics=["Femmes"],
        ),
        "permanence": event(
            structure, "Permanence CAF", at(21, 9), category=Category.DROP_IN, place=place
        ),
        "formation": tagged(
            event(agate, "Formation tablettes", at(22, 10), category=Category.TRAINING),
            tags=["tablette"],
            publics=["Seniors"],
        ),
        "conference": event(
            agate, "Conférence Agate", at(23, 18), category=Category.CONFERENCE, place=elsewhere
        ),
    }


def titles(
    html: str, names=("Atelier ASL", "Permanence CAF", "Formation tablettes", "Conférence Agate")
):
    return {name for name in names if name in html}


# --- Filters -------------------------------------------------------------------------------


def test_each_filter_keeps_its_events(client, network, place):
    agenda = "/agenda/"
    assert titles(client.get(agenda).content.decode()) == {
        "Atelier ASL",
        "Permanence CAF",
        "Formation tablettes",
        "Conférence Agate",
    }
    cases = {
        "structure=agate": {"Formation tablettes", "Conférence Agate"},
        "categorie=permanence": {"Permanence CAF"},
        "mot_cle=tablette": {"Formation tablettes"},
        "commune=La+Motte": {"Conférence Agate"},
        f"lieu={place.pk}": {"Atelier ASL", "Permanence CAF"},
        "public=Seniors": {"Formation tablettes"},
        "public=Seniors&public=Femmes": {"Formation tablettes", "Atelier ASL"},
        "structure=clef&categorie=atelier": {"Atelier ASL"},
        "structure=clef&mot_cle=tablette": set(),
    }
    for query, expected in cases.items():
        assert titles(client.get(f"{agenda}?{query}").content.decode()) == expected, query


def test_filters_are_a_get_form_with_a_label_for_every_control(client, network):
    html = client.get("/agenda/").content.decode()
    form = html[
        html.index('<form class="agenda-filters"') : html.index(
            "</form>", html.index('<form class="agenda-filters"')
        )
    ]
    assert 'method="get"' in form
    for name in ("structure", "categorie", "mot_cle", "commune", "lieu"):
        assert f'<label for="id_{name}">' in form
        assert f'name="{name}"' in form
    assert "<legend>Public</legend>" in form
    assert '<option value="agate">Agate</option>' in form
    assert '<option value="tablette">tablette</option>' in form
    assert "Aucun événement ne correspond" not in html


def test_the_filters_choices_follow_what_is_published_and_escape_their_labels(
    client, network, place
):
    def choices() -> str:
        html = client.get("/agenda/").content.decode()
        start = html.index('<form class="agenda-filters"')
        return html[start : html.index("</form>", start)]

    assert "Espace numérique du Piochet" in choices()  # the choices are now in the cache
    StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="<b>Bazar & Cie</b>", slug="bazar"
    )
    place.unpublish()
    form = choices()
    assert '<option value="bazar">&lt;b&gt;Bazar &amp; Cie&lt;/b&gt;</option>' in form
    assert "<b>Bazar" not in form
    assert "Espace numérique du Piochet" not in form
    assert '<option value="agate">Agate</option>' in form


def test_nothing_matching_says_so_and_offers_to_clear_the_filters(client, network):
    html = client.get("/agenda/?structure=clef&mot_cle=tablette").content.decode()
    assert "Aucun événement ne correspond à ces critères." in html
    assert 'href="/agenda/">Effacer les critères</a>' in html


def test_a_nul_character_in_a_filter_gets_the_sites_bad_request_page(client, home, frozen):
    assert client.get("/agenda/?public=%00").status_code == 400
    assert client.get("/agenda/ics/?structure=%00").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "structure=%3Cscript%3Ealert(1)%3C/script%3E",
        "lieu=99999999999999999999999999",
        "lieu=-1",
        "public=" + "&public=".join(["Seniors"] * 60),
        "categorie=" + "x" * 10_000,
        "mot_cle=%27%20OR%201=1--",
        "commune=%F0%9F%92%A5",
    ],
)
def test_hostile_filter_values_get_a_french_message_and_are_ignored(client, network, query):
    response = client.get(f"/agenda/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Ce choix n&#x27;existe pas ou plus : les événements sont affichés sans ce critère." in html
    )
    assert "<script>alert(1)</script>" not in html
    assert len(titles(html)) == 4
    # Its feeds are the unfiltered ones, and a feed asked with that value does not exist.
    assert 'href="/agenda/ics/"' in html
    assert client.get(f"/agenda/ics/?{query}").status_code == 404
    assert client.get(f"/agenda/rss/?{query}").status_code == 404


def test_a_refused_filter_points_its_control_at_its_message(client, network):
    html = client.get("/agenda/?structure=inconnue").content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_structure_error"' in html
    assert '<ul class="field__errors" id="id_structure_error">' in html
    assert "<details open>" in html


def test_unknown_parameters_are_ignored(client, network):
    response = client.get("/agenda/?foo=bar&page=abc")
    assert response.status_code == 200
    assert len(titles(response.content.decode())) == 4


def test_the_list_pages_by_thirty_with_previous_and_next_but_no_total(client, structure):
    for n in range(31):
        event(structure, f"Séance {n:02d}", at(20, 9, minute=n))
    first = client.get("/agenda/").content.decode()
    pager = first[first.index('<nav class="pagination"') :]
    assert "Séance 29" in first
    assert "Séance 30" not in first
    assert 'href="?page=2" rel="next">Page suivante</a>' in pager
    assert "<span>Page 1</span>" in pager
    assert 'rel="prev"' not in pager
    second = client.get("/agenda/?page=2").content.decode()
    assert "Séance 30" in second
    assert "Séance 29" not in second
    assert 'href="?page=1" rel="prev">Page précédente</a>' in second
    assert 'rel="next"' not in second
    for crafted in ("abc", "0", "-1", "99999999999999", "%C2%B2", "2%00"):
        response = client.get(f"/agenda/?page={crafted}")
        assert response.status_code in (200, 400), crafted
        if response.status_code == 200:
            assert "Séance 00" in response.content.decode(), crafted


def test_the_feeds_of_a_filtered_agenda_have_one_canonical_url(client, network):
    html = client.get(
        "/agenda/?public=Seniors&categorie=formation&structure=agate&public=Femmes&page=1"
    ).content.decode()
    query = "structure=agate&amp;categorie=formation&amp;public=Femmes&amp;public=Seniors"
    assert (
        f'<link rel="alternate" type="text/calendar" title="Agenda du réseau : Agate · Formation · Seniors ou Femmes (iCalendar)" href="/agenda/ics/?{query}">'
        in html
    )
    assert (
        f'type="application/rss+xml" title="Agenda du réseau : Agate · Formation · Seniors ou Femmes (RSS)" href="/agenda/rss/?{query}">'
        in html
    )
    assert f'href="webcal://localhost/agenda/ics/?{query}"' in html
    assert f'href="http://localhost/agenda/ics/?{query}"' in html
    assert "« Agenda du réseau : Agate · Formation · Seniors ou Femmes »" in html
    # The links to the other views keep the filters.
    assert f'href="/agenda/mois/?{query}"' in html
    assert f'href="/agenda/imprimer/?{query}"' in html


def test_a_filtered_calendar_feed_holds_only_its_events_and_is_named_after_them(client, network):
    body = client.get("/agenda/ics/?structure=agate&categorie=formation").content.decode()
    assert "SUMMARY:Formation tablettes" in body
    assert "Conférence Agate" not in body
    assert "Atelier ASL" not in body
    assert "X-WR-CALNAME:Agenda du réseau : Agate · Formation" in body
    # The same filters in another order are the same feed.
    other_order = client.get("/agenda/ics/?categorie=formation&structure=agate")
    assert other_order.content.decode() == body


def test_each_filtered_feed_is_cached_apart_even_when_their_versions_match(client, network):
    """Two feeds of no event have the same version: each keeps its own name."""
    first = client.get("/agenda/ics/?structure=clef&mot_cle=tablette").content.decode()
    second = client.get("/agenda/ics/?structure=agate&mot_cle=asl").content.decode()
    assert "X-WR-CALNAME:Agenda du réseau : CLEF Chantemerle · tablette" in first
    assert "X-WR-CALNAME:Agenda du réseau : Agate · asl" in second


def test_a_filtered_feed_answers_304_until_one_of_its_events_changes(client, network):
    url = "/agenda/ics/?mot_cle=tablette"
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    page = EventPage.objects.get(pk=network["formation"].pk)
    page.title = "Formation tablettes, salle 2"
    page.save_revision().publish()
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "salle 2" in again.content.decode()


def test_the_old_feed_urls_keep_working(client, network):
    assert "SUMMARY:Atelier ASL" in client.get("/agenda/ics/").content.decode()
    body = client.get("/agenda/ics/structure/clef/").content.decode()
    assert "SUMMARY:Atelier ASL" in body
    assert "Formation tablettes" not in body


# --- This week, a month, three months, print -----------------------------------------------


def test_cette_semaine_lists_this_weeks_sessions_not_over_yet(client, structure):
    event(structure, "Hier soir", at(18, 18))
    event(structure, "Ce matin tôt", at(19, 6))
    event(structure, "Dimanche", at(25, 9))
    event(structure, "Lundi prochain", at(26, 9))
    html = client.get("/agenda/semaine/").content.decode()
    assert "<h2>Cette semaine</h2>" in html
    assert "Du lundi 19 octobre au dimanche 25 octobre 2026" in html
    assert "Dimanche 25 octobre 2026" in html
    assert "Dimanche</a>" in html
    for absent in ("Hier soir", "Ce matin tôt", "Lundi prochain"):
        assert absent not in html
    assert '<a href="/agenda/semaine/" aria-current="page">Cette semaine</a>' in html


def cell(html: str, day: int) -> str:
    """The content of the month table's cell for `day`."""
    match = re.search(
        rf'<time class="month__date" datetime="\d{{4}}-\d{{2}}-{day:02d}"[^>]*>{day}</time>(.*?)</td>',
        html,
        re.S,
    )
    assert match, f"no cell for day {day}"
    return match.group(1)


def test_the_month_is_an_accessible_table_of_weeks_with_links_to_sessions(client, structure):
    weekly = EventPageFactory(
        parent=structure,
        title="Permanence du vendredi",
        slug="permanence",
        start=at(2, 9),
        end=at(2, 12),
        recurrence="FREQ=WEEKLY;BYDAY=FR",
    )
    html = client.get("/agenda/mois/").content.decode()
    assert (
        '<caption id="month-caption">Événements de octobre 2026, semaine par semaine</caption>'
        in html
    )
    assert html.count('<th scope="col">') == 7
    assert '<th scope="col">Lundi</th>' in html
    assert 'role="region" aria-labelledby="month-caption" tabindex="0"' in html
    assert html.count("<tr>") == 1 + 5  # the head, then 5 weeks from 28 September to 1 November
    for friday in (2, 9, 16, 23, 30):
        assert f'href="{weekly.url}"' in cell(html, friday)
        assert "09h00" in cell(html, friday)
    assert "Permanence" not in cell(html, 22)
    assert 'aria-current="date">19</time>' in html
    assert 'href="/agenda/mois/2026/09/" rel="prev"' in html
    assert 'href="/agenda/mois/2026/11/" rel="next"' in html
    assert client.get("/agenda/mois/2026/10/").content.decode() == html


def test_a_session_on_the_day_the_clocks_go_back_sits_in_its_day_at_its_time(client, structure):
    event(structure, "Atelier du dimanche", at(25, 9))
    event(structure, "Veillée", at(25, 23, minute=30))
    html = client.get("/agenda/mois/2026/10/").content.decode()
    sunday = cell(html, 25)
    assert "09h00</time> Atelier du dimanche" in sunday
    assert "23h30</time> Veillée" in sunday
    assert "Veillée" in cell(html, 26)  # it ends at 00:30 on Monday
    assert "Atelier du dimanche" not in cell(html, 24) + cell(html, 26)


def test_a_session_crossing_midnight_at_month_end_shows_on_both_months(client, structure):
    event(structure, "Nuit d'Halloween", at(31, 22), hours=4)
    event(structure, "Finit à minuit", at(30, 22), hours=2)
    october = client.get("/agenda/mois/2026/10/").content.decode()
    november = client.get("/agenda/mois/2026/11/").content.decode()
    assert "22h00</time> Nuit d&#x27;Halloween" in cell(october, 31)
    assert "(suite) Nuit d&#x27;Halloween" in cell(november, 1)
    assert "Finit à minuit" in cell(october, 30)
    assert "Finit à minuit" not in cell(october, 31)


@pytest.mark.parametrize(
    "path",
    [
        "mois/2026/13/",
        "mois/2026/0/",
        "mois/2026/00/",
        "mois/2026/6/",  # before the month of three months ago
        "mois/2028/05/",  # past eighteen months ahead
        "mois/1900/01/",
        "mois/99999999999999999999999/01/",
        "mois/2026/-1/",
        "mois/2026/novembre/",
        "mois/2026/",
        "imprimer/?mois=2026-13",
        "imprimer/?mois=26-11",
        "imprimer/?mois=2030-01",
        "imprimer/?mois=%3Cscript%3E",
    ],
)
def test_months_out_of_range_or_malformed_do_not_exist(client, home, frozen, path):
    assert client.get(f"/agenda/{path}").status_code == 404


def test_the_month_links_stop_at_the_agendas_horizon(client, home, frozen):
    first = client.get("/agenda/mois/2026/07/").content.decode()
    last = client.get("/agenda/mois/2028/04/").content.decode()
    assert 'rel="prev"' not in first
    assert 'href="/agenda/mois/2026/08/" rel="next"' in first
    assert 'rel="next"' not in last
    assert "Aucun événement pour l&#x27;instant." in last


def test_the_month_view_honours_the_filters(client, network):
    html = client.get("/agenda/mois/2026/10/?structure=agate").content.decode()
    assert titles(html) == {"Formation tablettes", "Conférence Agate"}
    assert 'href="/agenda/mois/2026/11/?structure=agate" rel="next"' in html
    assert 'href="/agenda/imprimer/?mois=2026-10&amp;structure=agate"' in html


def test_three_months_lists_thirteen_weeks_by_week(client, structure):
    EventPageFactory(
        parent=structure,
        title="Permanence du vendredi",
        start=at(23, 9),
        end=at(23, 12),
        recurrence="FREQ=WEEKLY;BYDAY=FR",
    )
    event(structure, "Trop loin", at(19, 9, month=1, year=2027))
    html = client.get("/agenda/planning/").content.decode()
    assert "Du lundi 19 octobre 2026 au dimanche 17 janvier 2027" in html
    assert "Semaine du 19 octobre 2026" in html
    assert "Semaine du 11 janvier 2027" in html
    assert html.count("Permanence du vendredi") == 13
    assert (
        'Vendredi 23 octobre, <time datetime="2026-10-23T09:00:00+02:00">09h00</time>–12h00' in html
    )
    assert "Trop loin" not in html


def test_the_print_view_has_no_navigation_nor_filters_and_honours_them(client, network):
    html = client.get("/agenda/imprimer/?structure=agate").content.decode()
    assert "<h1>Agenda du réseau : Agate</h1>" in html
    assert "Du lundi 19 octobre au dimanche 15 novembre 2026" in html
    assert titles(html) == {"Formation tablettes", "Conférence Agate"}
    assert '<meta name="robots" content="noindex">' in html
    assert 'class="agenda-filters"' not in html
    assert 'class="agenda-views"' not in html
    assert 'href="/agenda/?structure=agate">Retour à l\'agenda</a>' in html
    assert "Médiathèque Agate" in html


def test_the_print_view_of_a_month(client, structure):
    event(structure, "En novembre", at(12, 14, month=11))
    event(structure, "En décembre", at(1, 14, month=12))
    html = client.get("/agenda/imprimer/?mois=2026-11").content.decode()
    assert '<p class="agenda-print__period">Novembre 2026</p>' in html
    assert "En novembre" in html
    assert "En décembre" not in html


def test_every_agenda_view_advertises_its_feeds_in_head(client, network):
    for path in ("", "semaine/", "mois/", "mois/2026/11/", "planning/", "imprimer/"):
        html = client.get(f"/agenda/{path}?categorie=atelier").content.decode()
        head = html[: html.index("</head>")]
        assert '<link rel="alternate" type="text/calendar"' in head, path
        assert 'href="/agenda/ics/?categorie=atelier"' in head, path
        assert '<link rel="alternate" type="application/rss+xml"' in head, path
        assert 'href="/agenda/rss/?categorie=atelier"' in head, path


def test_a_structure_and_a_place_advertise_their_feeds_through_the_agenda_tag(
    rf, network, structure, place
):
    html = Template(
        "{% load agenda_tags %}{% agenda_feed_links structure=structure %}"
        "{% agenda_feed_links place=place %}"
    ).render(Context({"structure": structure, "place": place, "request": rf.get("/")}))
    assert (
        'type="text/calendar" title="Agenda : CLEF Chantemerle (iCalendar)" href="/agenda/ics/?structure=clef"'
        in html
    )
    assert (
        'type="application/rss+xml" title="Agenda : CLEF Chantemerle (RSS)" href="/agenda/rss/?structure=clef"'
        in html
    )
    assert f'href="/agenda/ics/?lieu={place.pk}"' in html


def test_a_place_page_offers_its_events_feeds(client, network, place):
    html = client.get(place.url).content.decode()
    assert f'href="/agenda/ics/?lieu={place.pk}">calendrier (iCalendar)</a>' in html
    body = client.get(f"/agenda/ics/?lieu={place.pk}").content.decode()
    assert "SUMMARY:Atelier ASL" in body
    assert "Formation tablettes" not in body


# --- Queries -------------------------------------------------------------------------------


QUERIED_PATHS = [
    "/agenda/?structure=clef&public=Seniors&public=Femmes",
    "/agenda/semaine/?categorie=atelier",
    "/agenda/mois/?mot_cle=asl",
    "/agenda/planning/?commune=Chamb%C3%A9ry",
    "/agenda/imprimer/?structure=clef",
    "/agenda/rss/?structure=clef",
]


def test_each_view_costs_the_same_queries_for_5_or_50_events(
    client, structure, agate, place, database_cache
):
    def queries() -> dict[str, int]:
        counts = {}
        for path in QUERIED_PATHS:
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counts[path] = len(captured)
        return counts

    def add(first: int, count: int):
        for n in range(first, first + count):
            tagged(
                event(
                    agate if n % 3 else structure,
                    f"Atelier {n}",
                    at(20 + n % 5, 9 + n % 8),
                    place=place,
                ),
                tags=["asl"],
                publics=["Seniors"],
            )

    add(0, 5)
    few = queries()
    add(5, 45)
    assert queries() == few
