"""Page search through Wagtail's search API, on whoosh and on the database backend alike."""

import pytest

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator

from modelsearch.backends.base import FilterFieldError, OrderByFieldError
from modelsearch.query import Phrase, PlainText
from wagtail.models import Page, PageViewRestriction

from website.models import StandardPage

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:
    return [result.title for result in results]


def test_a_published_page_is_found_by_a_word_of_its_text(backend, page):
    page("Permanence numérique", intro="Aide aux démarches en ligne le mardi matin.")
    assert titles(Page.objects.live().search("mardi")) == ["Permanence numérique"]


def test_searching_folds_case_and_accents(accent_folding_backend, page):
    page("Démarches administratives", intro="Caf, impôts, santé.")
    assert titles(Page.objects.live().search("demarches")) == ["Démarches administratives"]
    assert titles(Page.objects.live().search("DÉMARCHES")) == ["Démarches administratives"]
    assert titles(Page.objects.live().search("impots")) == ["Démarches administratives"]


@pytest.mark.parametrize(
    ("query", "text"),
    [("réorienter", "On réoriente vers la CAF."), ("ateliers", "Un atelier par semaine.")],
)
def test_french_stemming_finds_other_forms_of_a_word(stemming_backend, page, query, text):
    page("Fiche pratique", intro=text)
    assert titles(Page.objects.live().search(query)) == ["Fiche pratique"]


def test_stop_words_alone_find_nothing_and_do_not_get_in_the_way(backend, page):
    page("Les ateliers du quartier", intro="Pour les habitants.")
    assert titles(Page.objects.live().search("quartier")) == ["Les ateliers du quartier"]
    assert titles(Page.objects.live().search("les habitants du quartier")) == [
        "Les ateliers du quartier"
    ]


def test_an_unpublished_page_leaves_live_results_and_a_republished_one_returns(backend, page):
    permanence = page("Permanence numérique", intro="Le mardi matin.")
    permanence.unpublish()
    assert titles(Page.objects.live().search("mardi")) == []
    # The admin searches all pages, published or not.
    assert titles(Page.objects.search("mardi")) == ["Permanence numérique"]
    permanence.save_revision().publish()
    assert titles(Page.objects.live().search("mardi")) == ["Permanence numérique"]


def test_an_edited_page_is_found_by_its_new_words_only(backend, page):
    permanence = page("Permanence numérique", intro="Le mardi matin.")
    permanence.intro = "Le jeudi soir."
    permanence.save_revision().publish()
    assert titles(Page.objects.live().search("jeudi")) == ["Permanence numérique"]
    assert titles(Page.objects.live().search("mardi")) == []


def test_a_deleted_page_is_no_longer_found_or_counted(backend, page):
    permanence = page("Permanence numérique", intro="Le mardi matin.")
    permanence.delete()
    results = Page.objects.live().search("mardi")
    assert results.count() == 0
    assert titles(results) == []


def test_a_page_moved_under_a_private_section_leaves_public_results_with_its_children(
    backend, page, home
):
    private = page("Espace réservé")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    guide = page("Guide des démarches", intro="Caf et impôts.")
    page("Annexe du guide", intro="Caf, formulaires.", parent=guide)

    assert sorted(titles(Page.objects.live().public().search("caf"))) == [
        "Annexe du guide",
        "Guide des démarches",
    ]
    guide.move(private, pos="last-child")
    assert titles(Page.objects.live().public().search("caf")) == []
    assert sorted(titles(Page.objects.live().descendant_of(private).search("caf"))) == [
        "Annexe du guide",
        "Guide des démarches",
    ]


def test_a_section_made_private_leaves_public_results(backend, page):
    section = page("Coin des bénévoles", intro="Planning des bénévoles.")
    assert titles(Page.objects.live().public().search("planning")) == ["Coin des bénévoles"]
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert titles(Page.objects.live().public().search("planning")) == []


def test_filters_on_content_type_menu_and_subtree_apply_inside_the_search(backend, page, home):
    parent = page("Boîte à outils", intro="Fiches bricolage.", show_in_menus=True)
    page("Fiche imprimante", intro="Bricolage et imprimantes.", parent=parent)
    page("Fiche scanner", intro="Bricolage et scanners.")

    assert sorted(titles(Page.objects.type(StandardPage).search("bricolage"))) == [
        "Boîte à outils",
        "Fiche imprimante",
        "Fiche scanner",
    ]
    assert titles(Page.objects.in_menu().search("bricolage")) == ["Boîte à outils"]
    assert titles(Page.objects.descendant_of(parent).search("bricolage")) == ["Fiche imprimante"]
    assert titles(Page.objects.not_descendant_of(home).search("bricolage")) == []


def test_results_can_be_ordered_by_a_filter_field_instead_of_relevance(backend, page):
    for title in ["Bravo atelier", "Alpha atelier", "Charlie atelier"]:
        page(title)
    by_title = Page.objects.order_by("title").search("atelier", order_by_relevance=False)
    assert titles(by_title) == ["Alpha atelier", "Bravo atelier", "Charlie atelier"]
    reversed_titles = Page.objects.live().search("atelier", order_by="-title")
    assert titles(reversed_titles) == ["Charlie atelier", "Bravo atelier", "Alpha atelier"]


def test_relevance_puts_the_title_match_first(backend, page):
    page("Agenda des sorties", intro="Une sortie imprimante au fablab.")
    page("Imprimante solidaire", intro="Prêt de matériel.")
    assert titles(Page.objects.live().search("imprimante"))[0] == "Imprimante solidaire"


def test_the_and_operator_needs_every_word_and_or_needs_one(backend, page):
    page("Atelier tablette", intro="Prise en main.")
    page("Atelier smartphone", intro="Prise en main.")
    assert titles(Page.objects.search("atelier tablette", operator="and")) == ["Atelier tablette"]
    assert sorted(titles(Page.objects.search("tablette smartphone", operator="or"))) == [
        "Atelier smartphone",
        "Atelier tablette",
    ]


def test_a_phrase_matches_words_in_that_order_only(backend, page):
    page("Café numérique", intro="Un café pour parler numérique.")
    page("Numérique au café", intro="Parler du numérique.")
    assert titles(Page.objects.search(Phrase("café numérique"))) == ["Café numérique"]


def test_autocomplete_matches_the_beginning_of_words(backend, page):
    page("Atelier numérique", intro="Le mardi.")
    page("Permanence administrative")
    assert titles(Page.objects.live().autocomplete("atel")) == ["Atelier numérique"]
    assert titles(Page.objects.live().autocomplete("atelier num")) == ["Atelier numérique"]
    assert titles(Page.objects.live().autocomplete("perm")) == ["Permanence administrative"]


def test_counts_slices_and_pages_agree(backend, page):
    for number in range(7):
        page(f"Atelier {number}", intro="Initiation au numérique.")
    results = Page.objects.live().order_by("title").search("initiation", order_by_relevance=False)
    assert results.count() == 7
    assert titles(results[2:4]) == ["Atelier 2", "Atelier 3"]
    assert results[2:4].count() == 2
    paginator = Paginator(results, 3)
    assert paginator.count == 7
    assert titles(paginator.page(3).object_list) == ["Atelier 6"]


def test_the_content_type_facet_counts_matching_pages_per_type(backend, page):
    page("Atelier découverte", intro="Numérique.")
    page("Atelier avancé", intro="Numérique.")
    facets = Page.objects.search("atelier").facet("content_type_id")
    assert facets == {ContentType.objects.get_for_model(StandardPage).pk: 2}


def test_filtering_or_ordering_on_a_field_that_is_not_indexed_is_refused(backend, page):
    with pytest.raises(FilterFieldError):
        list(Page.objects.filter(slug="atelier").search("atelier"))
    with pytest.raises(OrderByFieldError):
        list(Page.objects.order_by("slug").search("atelier", order_by_relevance=False))


def test_boosted_queries_rank_higher_on_whoosh(whoosh, page):
    # SQLite's FTS5 backend ignores boosts (modelsearch skips its boost tests).
    page("Tablette", intro="Prêt.")
    page("Ordinateur", intro="Prêt.")
    query = PlainText("tablette", boost=1) | PlainText("ordinateur", boost=5)
    assert titles(Page.objects.search(query, operator="or"))[0] == "Ordinateur"


def test_the_site_search_page_lists_public_live_matches(backend, page, client):
    page("Permanence numérique", intro="Le mardi matin.")
    draft = page("Brouillon mardi")
    draft.unpublish()
    response = client.get("/recherche/", {"q": "mardi"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Permanence numérique" in html
    assert "Brouillon mardi" not in html
