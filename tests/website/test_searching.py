"""Whatever a visitor types, the search page and the directory answer with a page, on every backend."""

import pytest

from django.test import override_settings

HOSTILE = ["%'\"<>;-- OR 1=1", 'AND("', "NEAR(a b", "*", "x" * 300, "🙂 démarches", '"unterminated']
BACKENDS = {
    "whoosh": None,  # the project's default, from the settings
    "database": {"default": {"BACKEND": "wagtail.search.backends.database"}},
}


@pytest.mark.search
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("url", ["/recherche/", "/espaces-numeriques/"])
def test_a_hostile_query_gets_a_page_never_an_error(client, home, backend, query, url):
    overrides = {"WAGTAILSEARCH_BACKENDS": BACKENDS[backend]} if BACKENDS[backend] else {}
    with override_settings(**overrides):
        response = client.get(url, {"q": query})
    assert response.status_code == 200
    if any(character in query for character in "<>\"'&"):
        assert query not in response.content.decode(), "the query is shown escaped"
