"""The directory residents use to find a digital space: filters, opening times, distance, map."""

import datetime
import html
import json
import re

import pytest
import time_machine

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage

FRIDAY_10H = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris


@pytest.fixture
def network(home):
    index = StructureIndexPage.objects.get()
    clef = StructurePageFactory(parent=index, title="CLEF Chantemerle")
    ccas = StructurePageFactory(parent=index, title="CCAS")
    return {
        "piochet": LieuPageFactory(
            parent=clef,
            title="Espace numérique du Piochet",
            commune="La Ravoire",
            code_postal="73490",
            latitude=45.5612,
            longitude=5.9663,
            horaires="Fr 09:00-12:00; PH off",
            term_codes=[
                "Aide aux démarches administratives",
                "Gratuit",
                "Accompagnement individuel",
            ],
        ),
        "ccas": LieuPageFactory(
            parent=ccas,
            title="Accueil numérique du CCAS",
            commune="La Ravoire",
            code_postal="73490",
            latitude=45.5626,
            longitude=5.9612,
            horaires="Mo-Th 14:00-17:00",
            term_codes=["Aide aux démarches administratives", "Payant"],
        ),
        "epinettes": LieuPageFactory(
            parent=clef,
            title="Espace numérique des Epinettes",
            commune="Chambéry",
            code_postal="73000",
            latitude=45.5742,
            longitude=5.9308,
            horaires="Tu 14:00-16:30",
            term_codes=["Loisirs et créations numériques", "Seniors", "Gratuit"],
        ),
    }


def listed(client, **params) -> list[str]:
    page = html.unescape(client.get("/espaces-numeriques/", params).content.decode())
    return re.findall(r'card__title"><a href="[^"]+">([^<]+)<', page)


def test_with_no_criteria_every_published_place_is_listed(client, network):
    assert len(listed(client)) == 3


def test_a_service_filter_keeps_the_places_offering_it(client, network):
    assert set(listed(client, services="Aide aux démarches administratives")) == {
        "Espace numérique du Piochet",
        "Accueil numérique du CCAS",
    }


def test_free_only_leaves_out_paying_places(client, network):
    assert "Accueil numérique du CCAS" not in listed(client, gratuit="on")


def test_filters_combine_and_a_public_narrows_further(client, network):
    assert listed(client, publics="Seniors", gratuit="on") == ["Espace numérique des Epinettes"]


def test_the_commune_filter_lists_only_that_communes_places(client, network):
    assert set(listed(client, commune="Chambéry")) == {"Espace numérique des Epinettes"}


@time_machine.travel(FRIDAY_10H)
def test_open_now_on_a_friday_morning_finds_the_piochet(client, network):
    assert listed(client, quand="maintenant") == ["Espace numérique du Piochet"]


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC))  # a Monday
def test_open_on_friday_morning_looks_ahead_to_the_coming_friday(client, network):
    assert listed(client, quand="vendredi", moment="matin") == ["Espace numérique du Piochet"]
    assert listed(client, quand="vendredi", moment="apres-midi") == []


@time_machine.travel(
    datetime.datetime(2026, 12, 25, 9, 0, tzinfo=datetime.UTC)
)  # Christmas, a Friday
def test_a_place_closed_on_public_holidays_is_not_open_on_christmas_day(client, network):
    assert listed(client, quand="maintenant") == []


@time_machine.travel(FRIDAY_10H)
def test_each_result_says_whether_it_is_open_now(client, network):
    page = html.unescape(client.get("/espaces-numeriques/").content.decode())
    assert "Ouvert maintenant — ferme à 12 h" in page


@pytest.mark.search
def test_text_search_finds_a_place_by_a_word_of_its_name(client, network):
    assert listed(client, q="piochet") == ["Espace numérique du Piochet"]


def test_sorting_from_a_postcode_puts_the_nearest_places_first(client, network):
    places = listed(client, code_postal="73000")
    assert places[0] == "Espace numérique des Epinettes"
    page = client.get("/espaces-numeriques/", {"code_postal": "73000"}).content.decode()
    assert "du plus proche au plus loin de 73000" in page
    assert " km" in page


def test_an_unknown_postcode_says_so_and_still_lists_everything(client, network):
    page = html.unescape(
        client.get("/espaces-numeriques/", {"code_postal": "75001"}).content.decode()
    )
    assert "Aucun lieu du réseau n'a le code postal 75001" in page
    assert len(listed(client, code_postal="75001")) == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"code_postal": "7"}, "Un code postal compte 5 chiffres"),
        ({"services": "<script>alert(1)</script>"}, "Sélectionnez un choix valide"),
        ({"quand": "jamais"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_criterion_that_makes_no_sense_gets_a_french_message_and_the_rest_still_applies(
    client, network, params, message
):
    response = client.get("/espaces-numeriques/", {**params, "gratuit": "on"})
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "Accueil numérique du CCAS" not in listed(client, **params, gratuit="on")


@pytest.mark.parametrize(
    "query", ['"', "AND(", "x" * 5000, "🙂", "\x00\x01", "' OR 1=1 --", "<b>gras</b>"]
)
@pytest.mark.search
def test_any_text_typed_in_the_search_gives_a_page_never_an_error(client, network, query):
    response = client.get("/espaces-numeriques/", {"q": query})
    # Control characters are refused up front by the security middleware, with a French page.
    assert response.status_code in (200, 400)
    assert "<b>gras</b>" not in response.content.decode()
    assert "Demande incorrecte" in response.content.decode() or "lieu" in response.content.decode()


def test_the_map_receives_each_located_place_as_data_not_as_script(client, network):
    page = client.get("/espaces-numeriques/").content.decode()
    data = json.loads(
        html.unescape(
            re.search(r'id="lieux-carte" type="application/json">(.*?)</script>', page).group(1)
        )
    )
    assert {place["nom"] for place in data} == {
        "Espace numérique du Piochet",
        "Accueil numérique du CCAS",
        "Espace numérique des Epinettes",
    }
    assert "leaflet.js" in page


def test_the_directory_costs_the_same_queries_for_10_or_200_places(client, home, database_cache):
    structure = StructurePageFactory(parent=StructureIndexPage.objects.get())

    def queries() -> int:
        client.get("/espaces-numeriques/", {"gratuit": "on"})
        with CaptureQueriesContext(connection) as captured:
            client.get("/espaces-numeriques/", {"gratuit": "on"})
        return len(captured)

    for number in range(10):
        LieuPageFactory(parent=structure, title=f"Lieu {number}", term_codes=["Gratuit"])
    ten = queries()
    for number in range(10, 200):
        LieuPageFactory(parent=structure, title=f"Lieu {number}", term_codes=["Gratuit"])
    assert queries() == ten


def test_a_long_list_comes_in_pages_that_keep_the_criteria(client, home):
    structure = StructurePageFactory(parent=StructureIndexPage.objects.get())
    for number in range(25):
        LieuPageFactory(parent=structure, title=f"Lieu {number:02d}", term_codes=["Gratuit"])
    first = client.get("/espaces-numeriques/", {"gratuit": "on"}).content.decode()
    assert len(re.findall(r'class="card place-card"', first)) == 20
    assert "25 lieux" in first
    assert 'href="?gratuit=on&amp;page=2"' in first
    second = client.get("/espaces-numeriques/", {"gratuit": "on", "page": "2"}).content.decode()
    assert len(re.findall(r'class="card place-card"', second)) == 5


def test_the_directory_offers_every_place_in_the_national_standard(client, network):
    page = client.get("/espaces-numeriques/").content.decode()
    assert '<link rel="alternate" type="text/csv"' in page
    assert '<link rel="alternate" type="application/json"' in page
    response = client.get("/espaces-numeriques/export/csv/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="lieux-mediation-numerique-'
    )
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith('"id","pivot","nom"')
    assert len(rows) == 4
    records = json.loads(b"".join(client.get("/espaces-numeriques/export/json/").streaming_content))
    assert {record["nom"] for record in records} == {
        "Espace numérique du Piochet",
        "Accueil numérique du CCAS",
        "Espace numérique des Epinettes",
    }


def test_an_editor_saving_an_imported_place_dates_it_today(admin_client, network):
    lieu = network["piochet"]
    lieu.source = "Import"
    lieu.date_maj = datetime.date(1969, 12, 31)
    lieu.save()
    admin_client.defaults["HTTP_HOST"] = "localhost"
    response = admin_client.post(
        f"/admin/pages/{lieu.pk}/edit/",
        {"title": lieu.title, "slug": lieu.slug, "horaires": lieu.horaires, "action-publish": "1"},
    )
    assert response.status_code == 302  # published, back to the explorer
    lieu.refresh_from_db()
    assert lieu.date_maj == timezone.localdate()


@time_machine.travel(FRIDAY_10H)
def test_a_place_whose_structure_was_not_verified_for_six_months_says_so_in_the_directory(
    client, network
):
    clef = network["piochet"].get_parent().specific
    clef.last_verified = datetime.date(2026, 1, 5)
    clef.save()
    ccas = network["ccas"].get_parent().specific
    ccas.last_verified = datetime.date(2026, 10, 1)
    ccas.save()
    page = html.unescape(
        client.get("/espaces-numeriques/", {"commune": "La Ravoire"}).content.decode()
    )
    cards = re.findall(r'<article class="card place-card">(.*?)</article>', page, re.S)
    stale = {
        re.search(r'">([^<]+)</a></h3>', card).group(1): "non vérifiées" in card for card in cards
    }
    assert stale == {"Espace numérique du Piochet": True, "Accueil numérique du CCAS": False}


def test_a_place_page_links_to_directions_on_a_map_service(client, network):
    page = client.get(network["piochet"].url).content.decode()
    assert 'href="https://www.openstreetmap.org/directions?to=45.5612%2C5.9663"' in page
