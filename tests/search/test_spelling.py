"""Spelling suggestions from the whoosh index, and the search box's suggestions."""

import json

import pytest

from modelsearch.backends import get_search_backend
from wagtail.models import Page

from ressources.factories import RessourcePageFactory
from ressources.models import RessourceIndexPage
from website.search.whoosh.mapping import SPELLING, build_schema
from website.search.whoosh.store import IndexStore

from . import workers

pytestmark = pytest.mark.django_db


@pytest.fixture
def wiki(home, whoosh):
    index = RessourceIndexPage.objects.get()
    for title in ("Démarches administratives en ligne", "Imprimante partagée", "Atelier tablette"):
        RessourcePageFactory(parent=index, title=title, summary="Pas à pas.")
    return index


def suggest(text: str):
    return get_search_backend().suggest_spelling(Page, text)


def test_a_misspelt_word_is_replaced_by_the_closest_title_word(wiki):
    assert suggest("demarches administrativs") == "demarches administratives"
    assert suggest("imprimente") == "imprimante"
    # Two letters wrong in a long word.
    assert suggest("admnistrativs") == "administratives"


def test_what_the_person_typed_around_the_word_is_kept(wiki):
    assert suggest("« Atelier » imprimente !") == "« Atelier » imprimante !"


def test_known_words_short_words_and_far_words_get_no_suggestion(wiki):
    assert suggest("démarches en ligne") is None
    assert suggest("ateliers") is None, "a form of a known word is known (stemming)"
    assert suggest("tabl") is None, "four letters, one edit from nothing"
    assert suggest("xylophone") is None
    assert suggest("") is None
    assert suggest("🙂 AND( \"'") is None


def test_the_database_backend_offers_no_suggestion(client, wiki, settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
    html = client.get("/recherche/", {"q": "imprimente"}).content.decode()
    assert "Vouliez-vous dire" not in html
    assert "Aucun résultat pour « imprimente »" in html


def test_an_index_built_before_the_spelling_field_still_takes_documents(tmp_path):
    def old_schema():
        schema = build_schema("fr")
        schema.remove(SPELLING)
        return schema

    store = IndexStore(tmp_path / "index", old_schema)
    assert store.write(add=[{**workers.document("ancien"), SPELLING: "atelier numerique"}])
    assert workers.keys(store) == {"ancien"}
    assert not list((tmp_path / "index" / "failed").iterdir())


def test_the_search_box_suggests_titles_from_word_starts_without_accents(client, wiki):
    response = client.get("/recherche/suggestions/", {"q": "demarch admin"})
    assert response.status_code == 200
    assert json.loads(response.content)["suggestions"] == [
        {
            "title": "Démarches administratives en ligne",
            "url": "/ressources/demarches-administratives-en-ligne/",
            "type": "Ressource",
        }
    ]
    assert json.loads(client.get("/recherche/suggestions/", {"q": "d"}).content) == {
        "suggestions": []
    }
