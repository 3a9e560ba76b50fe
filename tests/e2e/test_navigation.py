"""A visitor finds their way around: main navigation, skip link, legal pages, search.

Each test runs on a phone (375 px) and on a desktop screen (1280 px); see conftest.py for the
checks every visited page goes through (axe, CSP, console, sideways scrolling, screenshots).
"""

import re

import pytest
from playwright.sync_api import expect

from website.models import StandardPage

MAIN_NAVIGATION = 'nav[aria-label="Navigation principale"]'
LEGAL_NAVIGATION = 'footer nav[aria-label="Informations légales"]'

# The sections, in the navigation's order, and what each says while it has no content yet.
SECTIONS = {
    "Trouver un espace numérique": "Aucun espace numérique pour l'instant.",
    "Structures": "Aucune structure pour l'instant.",
    "Actualités": "Aucune actualité pour l'instant.",
    "Agenda": "Aucun événement pour l'instant.",
    "Ressources": "Aucune ressource pour l'instant.",
    "Veille financements": "Aucun appel à projets pour l'instant.",
    "Bilans": "Aucun bilan pour l'instant.",
}
LEGAL_PAGES = [
    "À propos",
    "Mentions légales",
    "Données personnelles",
    "Déclaration d'accessibilité",
]


def test_a_visitor_reaches_every_section_from_the_main_navigation(visitor):
    """From the home page, the navigation leads to every section, each with its empty state."""
    page = visitor.open("/")
    navigation = page.locator(MAIN_NAVIGATION)
    expect(navigation.get_by_role("link")).to_have_text(["Accueil", *SECTIONS])
    expect(page.locator("h1")).to_have_count(1)
    visitor.check("accueil")

    for title, empty_state in SECTIONS.items():
        visitor.follow(page.locator(MAIN_NAVIGATION).get_by_role("link", name=title, exact=True))
        expect(page.locator("h1")).to_have_text(title)
        expect(page.get_by_text(empty_state, exact=True)).to_be_visible()
        current = page.locator(MAIN_NAVIGATION).locator('[aria-current="page"]')
        expect(current).to_have_text(title)
        visitor.check(title)

    visitor.follow(page.locator(MAIN_NAVIGATION).get_by_role("link", name="Accueil", exact=True))
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    visitor.assert_no_problems()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(visitor):
    """The first Tab lands on « Aller au contenu »; following it puts focus on <main>."""
    page = visitor.open("/")
    first_focusable = page.evaluate(
        """() => {
            const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, '
                + '[tabindex]:not([tabindex="-1"])';
            const first = [...document.querySelectorAll(focusable)].find(
                (element) => !element.disabled
                    && element.checkVisibility({visibilityProperty: true}));
            return first ? first.outerHTML : null;
        }"""
    )
    assert first_focusable is not None and 'class="skip-link"' in first_focusable

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    visitor.screenshot("lien-d-evitement")

    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    visitor.check("accueil")
    visitor.assert_no_problems()


def test_a_visitor_opens_every_legal_page_from_the_footer(visitor):
    """À propos, mentions légales, données personnelles, accessibilité: all in the footer,
    once the network has published them (setup_site leaves them as drafts)."""
    for draft in StandardPage.objects.filter(title__in=LEGAL_PAGES):
        draft.get_latest_revision().publish()
    page = visitor.open("/")
    expect(page.locator(LEGAL_NAVIGATION).get_by_role("link", name=LEGAL_PAGES[0])).to_be_visible()
    for title in LEGAL_PAGES:
        visitor.follow(page.locator(LEGAL_NAVIGATION).get_by_role("link", name=title, exact=True))
        expect(page.locator("h1")).to_have_text(title)
        visitor.check(title)
    visitor.assert_no_problems()


@pytest.mark.search
def test_a_visitor_searches_from_the_header_and_gets_the_results_page(visitor):
    """The header's search form sends the words to /recherche/ and the page says what it found."""
    page = visitor.open("/")
    search = page.locator("form[role=search]")
    search.locator("input[name=q]").fill("agenda")
    with page.expect_navigation(url=re.compile(r"/recherche/\?q=agenda$"), wait_until="load"):
        search.get_by_role("button", name="Rechercher").click()

    expect(page.locator("h1")).to_have_text("Recherche")
    expect(page.get_by_role("status").filter(has_text="« agenda »")).to_be_visible()
    expect(page.locator("form[role=search] input[name=q]")).to_have_value("agenda")
    visitor.check("recherche")
    visitor.assert_no_problems()
