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
from structures.models import LieuIndexPage, StructureIndexPage
from structures.selectors import departement_of

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
                "Handicaps moteurs",
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
            term_codes=["Aide aux démarches administratives", "Payant", "En autonomie"],
        ),
        "epinettes": LieuPageFactory(
            parent=clef,
            title="Espace numérique des Epinettes",
            commune="Chambéry",
            code_postal="73000",
            latitude=45.5742,
            longitude=5.9308,
            horaires="Tu 14:00-16:30",
            term_codes=[
                "Loisirs et créations numériques",
                "Seniors",
                "Gratuit",
                "Surdité",
                "Dans un atelier collectif",
            ],
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


def test_the_accessibility_filter_keeps_the_places_with_that_welcome_and_any_of_two(
    client, network
):
    assert listed(client, accessibilite="Surdité") == ["Espace numérique des Epinettes"]
    assert set(listed(client, accessibilite=["Surdité", "Handicaps moteurs"])) == {
        "Espace numérique des Epinettes",
        "Espace numérique du Piochet",
    }
    assert listed(client, accessibilite="Déficience visuelle") == []


def test_the_support_filter_keeps_the_places_helping_that_way_and_any_of_two(client, network):
    assert listed(client, accompagnement="Accompagnement individuel") == [
        "Espace numérique du Piochet"
    ]
    assert set(listed(client, accompagnement=["Accompagnement individuel", "En autonomie"])) == {
        "Espace numérique du Piochet",
        "Accueil numérique du CCAS",
    }
    assert listed(client, accompagnement="À distance") == []


@time_machine.travel(FRIDAY_10H)
def test_open_now_on_a_friday_morning_finds_the_piochet(client, network):
    assert listed(client, quand="maintenant") == ["Espace numérique du Piochet"]


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC))  # a Monday
def test_open_on_friday_morning_looks_ahead_to_the_coming_friday(client, network):
    assert listed(client, quand="vendredi", moment="matin") == ["Espace numérique du Piochet"]
    assert listed(client, quand="vendredi", moment="apres-midi") == []


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC))  # a Monday
def test_a_part_of_the_day_alone_means_open_then_on_one_of_the_coming_seven_days(client, network):
    assert listed(client, moment="matin") == ["Espace numérique du Piochet"]
    assert set(listed(client, moment="apres-midi")) == {
        "Accueil numérique du CCAS",
        "Espace numérique des Epinettes",
    }
    assert listed(client, moment="soir") == []


@time_machine.travel(FRIDAY_10H + datetime.timedelta(hours=4))  # Friday, 14 h in Paris
def test_once_this_morning_is_over_the_seventh_morning_is_next_weeks(client, network):
    assert listed(client, moment="matin") == ["Espace numérique du Piochet"]


@pytest.mark.parametrize(
    ("moment_utc", "expected"),
    [(FRIDAY_10H, ["Espace numérique du Piochet"]), (FRIDAY_10H + datetime.timedelta(hours=4), [])],
)
def test_open_now_wins_over_a_part_of_the_day_and_says_so(client, network, moment_utc, expected):
    with time_machine.travel(moment_utc):
        page = html.unescape(
            client.get(
                "/espaces-numeriques/", {"quand": "maintenant", "moment": "apres-midi"}
            ).content.decode()
        )
        assert "« Ouvert maintenant » l'emporte sur le moment de la journée" in page
        assert listed(client, quand="maintenant", moment="apres-midi") == expected


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
    assert "Aucun lieu du réseau n'a le code postal 75001, ni dans son département" in page
    assert "du plus proche" not in page
    assert len(listed(client, code_postal="75001")) == 3


def test_a_postcode_no_place_has_sorts_approximately_from_its_departements_places(client, network):
    page = html.unescape(
        client.get("/espaces-numeriques/", {"code_postal": "73100"}).content.decode()
    )
    assert (
        "Aucun lieu du réseau n'a le code postal 73100 : le tri est approximatif, depuis le "
        "centre des lieux du réseau dans le département 73." in page
    )
    # The centre of the three places: the CCAS is nearest, the Epinettes farthest.
    assert listed(client, code_postal="73100") == [
        "Accueil numérique du CCAS",
        "Espace numérique du Piochet",
        "Espace numérique des Epinettes",
    ]


def test_corsican_postcodes_look_in_their_own_half_of_the_island(client, network):
    LieuPageFactory(
        parent=network["piochet"].get_parent(),
        title="Espace numérique d'Ajaccio",
        commune="Ajaccio",
        code_postal="20000",
        latitude=41.9192,
        longitude=8.7386,
    )
    page = html.unescape(
        client.get("/espaces-numeriques/", {"code_postal": "20167"}).content.decode()
    )
    assert "dans le département 2A." in page
    assert listed(client, code_postal="20167")[0] == "Espace numérique d'Ajaccio"
    page = html.unescape(
        client.get("/espaces-numeriques/", {"code_postal": "20200"}).content.decode()
    )
    assert "Aucun lieu du réseau n'a le code postal 20200, ni dans son département" in page


@pytest.mark.parametrize(
    ("code", "departement"),
    [
        ("73100", "73"),
        ("01000", "01"),
        ("20090", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97411", "974"),
        ("98800", "988"),
    ],
)
def test_a_postcode_names_its_departement(code, departement):
    assert departement_of(code).code == departement


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


def test_the_directory_and_its_nearby_list_cost_the_same_queries_for_10_or_200_places(
    client, home, database_cache
):
    structure = StructurePageFactory(parent=StructureIndexPage.objects.get())

    def queries(path: str) -> int:
        client.get(path, {"gratuit": "on"})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, {"gratuit": "on"})
        assert response.status_code == 200
        return len(captured)

    def add_places(numbers: range) -> None:
        for number in numbers:
            LieuPageFactory(
                parent=structure,
                title=f"Lieu {number}",
                latitude=45.5 + number / 1000,
                longitude=5.9,
                term_codes=["Gratuit"],
            )

    add_places(range(10))
    ten = queries("/espaces-numeriques/"), queries(NEARBY)
    add_places(range(10, 200))
    assert (queries("/espaces-numeriques/"), queries(NEARBY)) == ten
    assert len(client.get(NEARBY, {"gratuit": "on"}).json()["lieux"]) == 200


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


NEARBY = "/espaces-numeriques/proches/"


def test_the_nearby_list_holds_every_matching_located_place_beyond_the_page_shown(
    client, network, monkeypatch
):
    monkeypatch.setattr(LieuIndexPage, "per_page", 1)
    LieuPageFactory(
        parent=network["piochet"].get_parent(),
        title="Permanence sans adresse précise",
        term_codes=["Aide aux démarches administratives"],
    )
    response = client.get(NEARBY, {"services": "Aide aux démarches administratives", "page": 1})
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "lieux": [
            {
                "nom": "Accueil numérique du CCAS",
                "url": network["ccas"].url,
                "commune": "La Ravoire",
                "lat": 45.5626,
                "lon": 5.9612,
            },
            {
                "nom": "Espace numérique du Piochet",
                "url": network["piochet"].url,
                "commune": "La Ravoire",
                "lat": 45.5612,
                "lon": 5.9663,
            },
        ],
        "complet": True,
    }
    page = client.get("/espaces-numeriques/").content.decode()
    assert f'data-near-me-url="{NEARBY}"' in page


@pytest.mark.parametrize(
    "params",
    [
        {"services": "<script>alert(1)</script>"},
        {"quand": "jamais", "moment": "nuit'); DROP TABLE wagtailcore_page; --"},
        {"commune": "Paris" * 1000},
        {"code_postal": "9" * 5000},
        {"page": "-1", "lat": "45.5", "lon": "5.9"},
        {"q": "x" * 5000},
        {"q": "' OR 1=1 --"},
        {"accessibilite": ["Surdité", "🙂"]},
    ],
)
@pytest.mark.search
def test_any_filter_sent_to_the_nearby_list_gives_json_never_an_error(client, network, params):
    response = client.get(NEARBY, {**params, "gratuit": "on"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    names = {place["nom"] for place in response.json()["lieux"]}
    # What does not validate is left out; the rest, "Gratuit only", still applies.
    assert "Accueil numérique du CCAS" not in names
    assert names <= {"Espace numérique du Piochet", "Espace numérique des Epinettes"}


def test_control_characters_in_the_nearby_filters_get_the_french_bad_request_page(client, network):
    response = client.get(NEARBY, {"q": "\x00\x01"})
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()
