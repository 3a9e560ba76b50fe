"""A resident searches the site from their phone, typing without accents."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from django.core.management import call_command

from ressources.factories import RessourcePageFactory
from ressources.models import RessourceIndexPage
from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage

# Saves index as in production: these journeys search (see tests/conftest.py).
pytestmark = pytest.mark.search

TUESDAY_10H = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris


@pytest.fixture
def network(home):
    wiki = RessourceIndexPage.objects.get()
    RessourcePageFactory(
        parent=wiki,
        title="Démarches administratives en ligne : les premiers pas",
        summary="Créer ses comptes sur les sites publics et s'y retrouver.",
    )
    RessourcePageFactory(
        parent=wiki,
        title="Imprimer une attestation",
        summary="Quand une démarche administrative demande un papier.",
    )
    structure = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="CCAS de La Ravoire"
    )
    for title, commune in (
        ("Accueil numérique du CCAS", "La Ravoire"),
        ("Espace numérique du Piochet", "Chambéry"),
    ):
        LieuPageFactory(
            parent=structure,
            title=title,
            commune=commune,
            horaires="Mo-Fr 09:00-17:00",
            presentation_resume="Aide aux démarches administratives, sans rendez-vous.",
        )
    # The index answers for this database only: earlier tests' pages are not in it.
    call_command("update_index", verbosity=0)


def test_a_resident_finds_a_resource_then_a_place_without_typing_accents(visitor, network):
    page = visitor.page
    with time_machine.travel(TUESDAY_10H, tick=True):
        visitor.open("/")
        box = page.get_by_role("combobox", name="Rechercher sur le site")
        box.fill("demarches administratives")
        suggestions = page.get_by_role("listbox", name="Suggestions")
        expect(suggestions).to_be_visible()
        expect(suggestions.get_by_role("option").first).to_contain_text(
            "Démarches administratives en ligne : les premiers pas"
        )
        visitor.check("suggestions du champ de recherche")

        with page.expect_navigation(wait_until="load"):
            box.press("Enter")
        expect(page.locator(".search-count")).to_contain_text(
            "4 résultats pour « demarches administratives »"
        )
        first = page.locator(".search-result").first
        expect(first.locator("mark").first).to_have_text("Démarches")
        visitor.check("résultats")

        visitor.follow(
            page.get_by_role("link", name="Démarches administratives en ligne : les premiers pas")
        )
        expect(page.locator("h1")).to_have_text(
            "Démarches administratives en ligne : les premiers pas"
        )
        page.go_back(wait_until="load")

        visitor.follow(page.get_by_role("link", name="Espaces numériques (2)"))
        expect(page.locator(".search-count")).to_contain_text("— espaces numériques")
        expect(page.locator(".search-result__type")).to_have_text(
            ["Espace numérique", "Espace numérique"]
        )
        expect(page.locator(".search-result__fact").first).to_contain_text("Ouvert maintenant")
        visitor.check("résultats filtrés")
        visitor.follow(page.get_by_role("link", name="Espace numérique du Piochet"))
        expect(page.locator("h1")).to_have_text("Espace numérique du Piochet")
    visitor.assert_no_problems()


def test_a_misspelt_search_offers_a_correction_and_nothing_found_offers_the_sections(
    visitor, network
):
    page = visitor.page
    visitor.open("/recherche/?q=demarches+administrativs")
    suggestion = page.locator(".search-suggestion")
    expect(suggestion).to_contain_text("Vouliez-vous dire : demarches administratives ?")
    visitor.check("suggestion")
    visitor.follow(suggestion.get_by_role("link"))
    expect(page.locator(".search-count")).to_contain_text("4 résultats")

    visitor.open("/recherche/?q=xylophone")
    expect(page.locator(".search-count")).to_have_text("Aucun résultat pour « xylophone »")
    empty = page.locator(".search-empty")
    expect(empty.get_by_role("link", name="Trouver un espace numérique")).to_be_visible()
    expect(empty.get_by_role("link", name="Agenda")).to_be_visible()
    expect(
        empty.get_by_role("link", name="Démarches administratives en ligne : les premiers pas")
    ).to_be_visible()
    visitor.check("aucun résultat")
    visitor.assert_no_problems()


def test_a_suggestion_is_chosen_with_the_keyboard(visitor, network):
    page = visitor.page
    visitor.open("/agenda/")
    box = page.get_by_role("combobox", name="Rechercher sur le site")
    box.fill("imprim")
    option = page.get_by_role("option", name="Imprimer une attestation")
    expect(option).to_be_visible()
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    expect(page.locator("h1")).to_have_text("Imprimer une attestation")
    box = page.get_by_role("combobox", name="Rechercher sur le site")
    box.fill("imprim")
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox", include_hidden=True)).to_be_hidden()
    visitor.check("ressource choisie au clavier")
    visitor.assert_no_problems()


def test_without_javascript_the_search_box_is_a_plain_form(browser, site_url, network):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, base_url=site_url
    )
    page = context.new_page()
    page.goto("/")
    box = page.get_by_role("searchbox", name="Rechercher sur le site")
    box.fill("demarches administratives")
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    expect(page.locator(".search-count")).to_contain_text("4 résultats")
    context.close()
