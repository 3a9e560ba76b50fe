"""The funding watch as a visitor and a member use it: calls by nearest deadline with their
status, filters (hostile values included), the archive, a call's page, the home block.

The clock is frozen on Monday 19 October 2026, 10:00 in Paris (tests/veille/conftest.py).
"""

import re
from datetime import time

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from structures.models import Membership, Role, Term, Vocabulary
from tests.clients import signed_in, text
from veille.factories import AppelPageFactory, FunderFactory
from veille.models import AppelKind, FunderKind, Recurrence, Scope, Theme
from website.factories import UserFactory

from .conftest import call, days


@pytest.fixture
def calls(veille, structure, theme_inclusion, europe, caf):
    centre_social = Term.objects.get(vocabulary=Vocabulary.TYPOLOGIE, code="CS")
    mairie = Term.objects.get(vocabulary=Vocabulary.TYPOLOGIE, code="MUNI")
    return {
        "fse": call(
            veille,
            "Fonds social européen : inclusion",
            deadline=days(75),
            funders=[europe],
            themes=[theme_inclusion],
            scope=Scope.EUROPE,
        ),
        "caf": call(
            veille,
            "Fonds publics et territoires",
            deadline=days(10),
            deadline_time=time(12, 0),
            funders=[caf],
            kind=AppelKind.STANDING_GRANT,
            typologies=[centre_social],
        ),
        "mairies": call(veille, "Réservé aux mairies", deadline=days(20), typologies=[mairie]),
        "permanent": call(
            veille, "Aide permanente", deadline=None, recurrence=Recurrence.PERMANENT
        ),
        "a_venir": call(veille, "Ouvre bientôt", opening_date=days(15), deadline=days(100)),
        "clos": call(veille, "Clos la semaine dernière", deadline=days(-7)),
        "chez_clef": call(structure, "Appel de la CLEF", deadline=days(40)),
    }


def listed_titles(html: str, names) -> list[str]:
    """The titles found in the page, in the page's order."""
    found = [(html.find(f">{name}<"), name) for name in names]
    return [name for position, name in sorted(found) if position >= 0]


ALL = [
    "Fonds social européen : inclusion",
    "Fonds publics et territoires",
    "Réservé aux mairies",
    "Aide permanente",
    "Ouvre bientôt",
    "Clos la semaine dernière",
    "Appel de la CLEF",
]


def test_calls_are_listed_by_nearest_deadline_with_their_status_and_closed_ones_left_out(
    client, calls
):
    html = text(client.get("/veille/"))
    assert listed_titles(html, ALL) == [
        "Fonds publics et territoires",
        "Réservé aux mairies",
        "Appel de la CLEF",
        "Fonds social européen : inclusion",
        "Ouvre bientôt",
        "Aide permanente",
    ]
    assert "Se termine bientôt" in html and "Pas encore ouvert" in html and "Permanent" in html
    assert "Lundi 2 novembre 2026" not in html  # dates are written "jeudi 29 octobre 2026"
    assert "jeudi 29 octobre 2026, 12h00" in html
    assert "publié par CLEF Chantemerle" in html


def test_the_archive_lists_closed_calls_only(client, calls):
    html = text(client.get("/veille/archives/"))
    assert listed_titles(html, ALL) == ["Clos la semaine dernière"]
    assert "Clos" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "statut=ouvert",  # closing soon is still open to applications
            [
                "Fonds social européen : inclusion",
                "Fonds publics et territoires",
                "Réservé aux mairies",
                "Appel de la CLEF",
            ],
        ),
        ("statut=bientot-clos", ["Fonds publics et territoires", "Réservé aux mairies"]),
        ("statut=a-venir", ["Ouvre bientôt"]),
        ("statut=permanent", ["Aide permanente"]),
        ("theme=inclusion-numerique", ["Fonds social européen : inclusion"]),
        ("financeur=caf", ["Fonds publics et territoires"]),
        ("type=subvention", ["Fonds publics et territoires"]),
        ("echelle=europe", ["Fonds social européen : inclusion"]),
    ],
)
def test_each_filter_keeps_only_the_matching_calls(client, calls, query, expected):
    html = text(client.get(f"/veille/?{query}"))
    assert set(listed_titles(html, ALL)) == set(expected)


def test_open_to_a_type_of_structure_keeps_calls_for_it_and_calls_for_everyone(client, calls):
    html = text(client.get("/veille/?ouvert_a=CS"))
    assert "Réservé aux mairies" not in listed_titles(html, ALL)
    assert {"Fonds publics et territoires", "Aide permanente"} <= set(listed_titles(html, ALL))
    # One drop-down, the type chosen in it, not a list box.
    assert '<select name="ouvert_a" id="id_ouvert_a">' in html
    assert '<option value="CS" selected>Centre social</option>' in html


def test_open_to_my_structure_uses_the_types_of_my_structures(calls, structure):
    member = UserFactory(username="membre")
    Membership.objects.create(user=member, structure=structure, role=Role.MEMBER)
    html = text(signed_in(member).get("/veille/?ma_structure=1"))
    titles = listed_titles(html, ALL)
    assert "Fonds publics et territoires" in titles
    assert "Réservé aux mairies" not in titles
    assert 'name="ma_structure"' in html and "Ouvert à ma structure" in html


def test_a_visitor_asking_for_my_structure_is_told_why_and_sees_every_call(client, calls):
    html = text(client.get("/veille/?ma_structure=1"))
    assert "réservé aux membres d'une structure du réseau" in html
    assert "Réservé aux mairies" in listed_titles(html, ALL)


@pytest.mark.parametrize(
    "query",
    [
        "theme=n-existe-pas",
        "financeur=%3Cscript%3Ealert(1)%3C/script%3E",
        "statut=clos",
        "type=" + "x" * 5000,
        "ouvert_a=" + "&ouvert_a=".join(f"T{n}" for n in range(200)),
        "echelle=%C3%28",
        "page=-1",
        "page=99999999999999999999",
        "page=abc",
    ],
)
def test_hostile_filter_values_are_refused_in_french_and_nothing_breaks(client, calls, query):
    response = client.get(f"/veille/?{query}")
    assert response.status_code == 200
    html = text(response)
    assert "<script>alert(1)" not in html
    if not query.startswith("page="):
        assert "Ce choix n'existe pas ou plus" in html
    # The criterion is dropped: every current call is still listed.
    assert len(listed_titles(html, ALL)) == 6


def test_a_nul_character_is_refused_by_the_site_before_the_watch(client, calls):
    assert client.get("/veille/?echelle=%00").status_code == 400


def test_the_feeds_of_the_current_filters_are_advertised_in_head(client, calls):
    html = client.get("/veille/?theme=inclusion-numerique&statut=ouvert").content.decode()
    head = html.split("</head>")[0]
    assert re.search(
        r'<link rel="alternate" type="text/calendar" [^>]*href="/veille/ics/\?statut=ouvert&amp;theme=inclusion-numerique"',
        head,
    )
    assert re.search(
        r'<link rel="alternate" type="application/rss\+xml" [^>]*href="/veille/rss/\?statut=ouvert&amp;theme=inclusion-numerique"',
        head,
    )


def test_a_call_page_shows_everything_a_structure_needs_to_apply(client, calls):
    page = calls["caf"]
    page.eligibility = "<p>Structures agréées <b>centre social</b>.</p>"
    page.application_url = "https://exemple.fr/candidater"
    page.amount_min, page.amount_max, page.rate_max = 5000, 30000, 80
    page.save_revision().publish()
    html = text(client.get(page.url))
    assert "Fonds publics et territoires" in html
    assert "Se termine bientôt" in html
    assert "Jeudi 29 octobre 2026, 12h00" in html
    assert "CAF de la Savoie (CAF)" in html
    assert "De 5\u202f000\u00a0€ à 30\u202f000\u00a0€ ; jusqu'à 80\u00a0%" in html
    assert "Centre social" in html
    assert "<b>centre social</b>" in html
    assert 'href="https://exemple.fr/candidater"' in html
    # Visitors do not see who works on what.
    assert "Qui travaille sur cet appel" not in html


def test_the_home_page_lists_the_calls_closing_next(client, calls):
    html = text(client.get("/"))
    section = html.split("Appels à projets ouverts")[1]
    assert listed_titles(section, ALL)[:2] == [
        "Fonds publics et territoires",
        "Réservé aux mairies",
    ]
    assert "Clos la semaine dernière" not in section


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


URLS = [
    "/veille/?theme=inclusion-numerique&financeur=europe",
    "/veille/?ouvert_a=CS",
    "/veille/archives/",
]


def test_the_listing_costs_the_same_queries_for_three_calls_or_thirty(
    client,
    veille,
    structure,
    database_cache,
    django_assert_max_num_queries,
    theme_inclusion,
    europe,
):
    centre_social = Term.objects.get(vocabulary=Vocabulary.TYPOLOGIE, code="CS")

    def add(count: int) -> None:
        # Current and closed, under the watch and under a structure, with every relation shown.
        for number in range(count):
            AppelPageFactory(
                parent=structure if number % 2 else veille,
                deadline=days(number + 1 if number % 3 else -number - 1),
                funders=[europe, FunderFactory(kind=FunderKind.REGION)],
                themes=[theme_inclusion, Theme.objects.get(slug="jeunesse")],
                typologies=[centre_social],
            )

    add(3)
    client.get("/veille/")  # warm the site's caches
    few = [_queries(client, url) for url in URLS]
    add(27)
    many = [_queries(client, url) for url in URLS]
    assert few == many
    with django_assert_max_num_queries(17):
        client.get("/veille/?theme=inclusion-numerique&financeur=europe")
    with django_assert_max_num_queries(17):
        client.get("/veille/archives/")
