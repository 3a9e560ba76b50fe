"""Search queries: what the search box sends is cleaned, then parsed by the whoosh backend."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelsearch.backends import get_search_backend
from wagtail.models import Page

from tests.search.conftest import use_backend
from website.factories import StandardPageFactory
from website.search.whoosh.analysis import prefix_query_terms, text_query_terms
from website.searching import MAX_QUERY_LENGTH, clean_query

from .hostile import anything, assembled, french_text

TOKENS = [
    "atelier",
    "numérique",
    "démarches",
    " ",
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    '"',
    "'",
    "(",
    ")",
    "*",
    "?",
    "~2",
    "^3",
    "title:",
    "{",
    "}",
    "-",
    "+",
    ".",
    "1.11",
    "\x1e",
    "\x1f",
    "🙂",
    "👩‍💻",
    "ﬁ",
    "İ",
    "ß",
    "e\u0301",
    "\u200b",
    "\u2028",
    "%",
    "\\",
]
queries = anything | assembled(TOKENS, max_size=20) | st.text(min_size=190, max_size=400)


@given(queries)
def test_a_cleaned_query_is_short_printable_and_cleaned_once_for_all(raw):
    query, notice = clean_query(raw)
    assert len(query) <= MAX_QUERY_LENGTH
    assert query == query.strip()
    assert "  " not in query
    assert not any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") for char in query)
    assert clean_query(query) == (query, "")
    if notice:
        french_text(notice)


@given(queries)
def test_any_query_is_analysed_into_words(raw):
    query, _notice = clean_query(raw)
    for term in text_query_terms(query, "fr") + prefix_query_terms(query):
        assert term and term == term.strip()


@pytest.fixture
def whoosh_site(home, tmp_path):
    StandardPageFactory(parent=home, title="Atelier numérique", intro="Démarches en ligne.")
    overridden = use_backend("whoosh", tmp_path)
    yield get_search_backend()
    overridden.disable()


@pytest.mark.django_db
@pytest.mark.search
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(queries)
def test_the_whoosh_backend_answers_any_cleaned_query(whoosh_site, raw):
    query, _notice = clean_query(raw)
    pages = Page.objects.live()
    found = list(pages.search(query, operator="and")[:5])
    assert all(isinstance(page, Page) for page in found)
    assert pages.search(query, operator="or").count() >= len(found)
    list(pages.autocomplete(query, operator="and")[:5])
    suggestion = whoosh_site.suggest_spelling(Page, query)
    assert suggestion is None or isinstance(suggestion, str)
