"""A resident looks for help with an online form on a Friday morning, on their phone."""

import datetime
from urllib.parse import unquote

import pytest
import time_machine
from playwright.sync_api import expect

from structures.factories import LieuPageFactory, StructurePageFactory
from structures.geo import distance_km
from structures.models import LieuIndexPage, StructureIndexPage

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


HERE = {"latitude": 45.5680, "longitude": 5.9221}
AROUND_CHAMBERY = {
    "Accueil numérique de Bassens": (45.5870, 5.9400),
    "Cyberbase de Cognin": (45.5600, 5.8950),
    "Espace numérique du Piochet": (45.5612, 5.9663),
    "Médiathèque de Barberaz": (45.5590, 5.9420),
    "Tiers-lieu du Biollay": (45.5580, 5.9230),
}


@pytest.mark.parametrize("context_options", [{"geolocation": HERE, "permissions": ["geolocation"]}])
def test_near_me_finds_the_nearest_place_on_any_page_without_sending_the_position(
    visitor, home, monkeypatch
):
    """The nearest place is alphabetically last, on the third page; only the filters are sent."""
    monkeypatch.setattr(LieuIndexPage, "per_page", 2)
    structure = StructurePageFactory(parent=StructureIndexPage.objects.get())
    for title, (latitude, longitude) in AROUND_CHAMBERY.items():
        LieuPageFactory(
            parent=structure,
            title=title,
            latitude=latitude,
            longitude=longitude,
            term_codes=["Gratuit"],
        )
    page = visitor.page
    sent = []
    page.context.on("request", lambda request: sent.append(request.url + (request.post_data or "")))
    page.context.clear_permissions()
    visitor.open("/espaces-numeriques/?gratuit=on")
    near_me = page.get_by_role("button", name="Trier autour de moi")
    status = page.locator("[data-near-me-status]")

    near_me.click()
    expect(status).to_have_text(
        "Vous n'avez pas autorisé l'accès à votre position : utilisez plutôt le code postal."
    )

    page.context.grant_permissions(["geolocation"])
    page.route("**/espaces-numeriques/proches/**", lambda route: route.fulfill(status=503))
    near_me.click()
    expect(status).to_contain_text("La liste de tous les lieux n'a pas pu être chargée")
    expect(page.locator(".place-card h3").first).to_have_text("Cyberbase de Cognin")
    visitor.console_errors.clear()  # the refused answer above, logged by the browser on purpose

    page.unroute("**/espaces-numeriques/proches/**")
    near_me.click()
    expect(status).to_contain_text("Les lieux les plus proches de vous sont listés")
    nearest = page.get_by_role("region", name="Les lieux les plus proches de vous")
    expect(nearest.get_by_role("listitem")).to_have_count(5)
    km = distance_km(
        (HERE["latitude"], HERE["longitude"]), AROUND_CHAMBERY["Tiers-lieu du Biollay"]
    )
    expect(nearest.get_by_role("listitem").first).to_have_text(
        f"Tiers-lieu du Biollay — Chambéry, à {km:.1f} km".replace(".", ",")
    )
    visitor.check("autour de moi", every_impact=True)

    asked = [url for url in sent if "/proches/" in url]
    assert asked and all("gratuit=on" in url for url in asked)
    coordinates = [f"{HERE['latitude']:.3f}", f"{HERE['longitude']:.3f}"]
    coordinates += [text.replace(".", ",") for text in coordinates]
    assert not [url for url in sent if any(text in unquote(url) for text in coordinates)]
    visitor.assert_no_problems()
