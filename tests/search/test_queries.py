"""Whatever people type, search answers: results, never an exception."""

import pytest

from wagtail.models import Page

pytestmark = pytest.mark.django_db

# (what is typed, whether the page "Atelier numérique" is among the results). Words are
# all required, so a stray word ("and", "5", "31m") rightly finds nothing.
TYPED = [
    ('"', False),
    ('"atelier', True),
    ("atelier\"'", True),
    ("((atelier", True),
    ("atelier)", True),
    ("AND(", False),
    ("atelier AND", False),
    ("atelier*", True),
    ("ateli?r", False),
    ("title:atelier", False),
    ("atelier^5", False),
    ("[a TO z]", False),
    ("{atelier}", True),
    ("atelier\\", True),
    ("atelier & !numérique | <-> :*", True),
    ("-atelier +atelier", True),
    ("atelier 🙂🎉", True),
    ("atelier\x00\x01\x7f\x1b", True),
    ("atelier\u200b\u202e", True),
    ("l'atelier d'un mardi", True),
    ("atelier " + "mardi " * 1000, True),
    ("x" * 5000, False),
]


@pytest.mark.parametrize(("typed", "finds"), TYPED, ids=range(len(TYPED)))
def test_any_typed_query_gives_results_not_an_exception(whoosh, page, typed, finds):
    page("Atelier numérique", intro="Le mardi.")
    results = Page.objects.live().search(typed)
    found = [result.title for result in results]
    assert results.count() == len(found)
    assert ("Atelier numérique" in found) is finds
    completions = Page.objects.live().autocomplete(typed)
    assert completions.count() == len(list(completions))


def test_a_query_of_stop_words_and_punctuation_finds_nothing(whoosh, page):
    page("Atelier numérique", intro="Le mardi et les autres jours.")
    assert list(Page.objects.search("le la les et ... !!")) == []


def test_autocomplete_accepts_words_longer_than_the_indexed_prefixes(whoosh, page):
    page("Anticonstitutionnellement vôtre")
    assert [p.title for p in Page.objects.autocomplete("anticonstitutionnellem")] == [
        "Anticonstitutionnellement vôtre"
    ]


def test_only_the_requested_slice_is_fetched_from_the_index(whoosh, page):
    for number in range(30):
        page(f"Atelier {number:02d}", intro="Initiation.")
    results = Page.objects.live().search("initiation")
    first_page = results[:10]
    assert len(list(first_page)) == 10
    window = results.query_compiler._window
    assert window["limit"] == 10
    assert len(window["hits"]) == 10
    # The total comes from the same search, not from fetching every hit.
    assert window["total"] == 30
    assert results.count() == 30


def test_the_count_of_a_paginator_and_its_first_page_come_from_one_search(whoosh, page):
    for number in range(5):
        page(f"Atelier {number}", intro="Initiation.")
    results = Page.objects.live().search("initiation")
    assert results.count() == 5
    window = results.query_compiler._window
    assert len(list(results[:3])) == 3
    assert results.query_compiler._window is window
