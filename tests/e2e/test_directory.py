"""A resident looks for help with an online form on a Friday morning, on their phone."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage

FRIDAY_10H = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris


@pytest.fixture
def network(home):
    index = StructureIndexPage.objects.get()
    clef = StructurePageFactory(
        parent=index,
        title="CLEF Chantemerle",
        referral_documents="Pièce d'identité, identifiants CAF",
    )
    ccas = StructurePageFactory(parent=index, title="CCAS de La Ravoire")
    LieuPageFactory(
        parent=clef,
        title="Espace numérique du Piochet",
        adresse="Quartier du Piochet",
        commune="La Ravoire",
        code_postal="73490",
        latitude=45.5612,
        longitude=5.9663,
        horaires="Fr 09:00-12:00; PH off",
        term_codes=["Aide aux démarches administratives", "Gratuit", "Se présenter"],
    )
    LieuPageFactory(
        parent=ccas,
        title="Accueil numérique du CCAS",
        adresse="Place de la Mairie",
        commune="La Ravoire",
        code_postal="73490",
        latitude=45.5626,
        longitude=5.9612,
        horaires="Mo-Th 14:00-17:00",
        term_codes=["Aide aux démarches administratives"],
    )


def test_a_resident_finds_the_piochet_open_on_friday_morning_and_gets_its_fiche(visitor, network):
    page = visitor.page
    with time_machine.travel(FRIDAY_10H, tick=True):
        visitor.open("/espaces-numeriques/")
        expect(page.locator("h1")).to_have_text("Trouver un espace numérique")
        visitor.check("annuaire", every_impact=True)

        page.get_by_label("Aide aux démarches administratives").check()
        page.get_by_label("Ouvert").select_option("vendredi")
        page.get_by_label("Moment de la journée").select_option("matin")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Afficher les lieux").click()
        expect(page.locator("#resultats")).to_have_text("1 lieu")
        expect(page.locator(".place-card")).to_contain_text("Ouvert maintenant — ferme à 12 h")
        expect(page.locator("#carte .leaflet-marker-icon")).to_have_count(1)
        visitor.check("annuaire filtre", every_impact=True)

        visitor.follow(page.get_by_role("link", name="Espace numérique du Piochet"))
        expect(page.locator("h1")).to_have_text("Espace numérique du Piochet")
        expect(page.locator(".opening-hours-status")).to_have_text(
            "Ouvert maintenant — ferme à 12 h"
        )
        visitor.check("lieu", every_impact=True)

        visitor.follow(page.get_by_role("link", name="Fiche d'orientation à imprimer ou envoyer"))
        expect(page.locator("h1")).to_have_text("Espace numérique du Piochet")
        expect(page.get_by_label("Texte à copier dans un SMS ou un courriel")).to_have_value(
            "Espace numérique du Piochet\nQuartier du Piochet, 73490 La Ravoire\n"
            "Horaires : Vendredi 9 h – 12 h\nÀ apporter : Pièce d'identité, identifiants CAF"
        )
        visitor.check("fiche", every_impact=True)
    visitor.assert_no_problems()


def test_the_map_still_shows_the_places_when_tiles_cannot_load(visitor, network):
    page = visitor.page
    page.route(
        "https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=503, body="")
    )
    visitor.open("/espaces-numeriques/")
    expect(page.locator("#carte .leaflet-marker-icon")).to_have_count(2)
    expect(page.locator(".place-card")).to_have_count(2)
