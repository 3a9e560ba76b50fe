"""Whatever is typed or sent, the search page answers a page, in French, with the query escaped."""

import json

import pytest
import time_machine

from ressources.factories import RessourcePageFactory
from ressources.models import RessourceIndexPage, RessourcePage

pytestmark = pytest.mark.django_db

HOSTILE = {
    "quotes": '"démarches',
    "apostrophes": "l'atelier d'aujourd'hui'",
    "parentheses": "((atelier) numérique",
    "operator": "AND(",
    "operators": "atelier AND OR NOT NEAR(a b) *",
    "wildcards": "ate* ?numérique~2 ^3",
    "long": "atelier " * 625,  # 5,000 characters
    "emoji": "🙂 atelier 👩‍💻 numérique 🇫🇷",
    "control": "atelier\x01\x02\x1b\x7f numérique\u200b\u202e",
    "sql": "atelier'; DROP TABLE wagtailcore_page; --",
    "sql_union": "1' UNION SELECT password FROM auth_user --",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "fts": 'NEAR("a" "b", 2) OR {title}: ^atelier',
    "spaces": " \t\n ",
}


@pytest.fixture
def wiki(home, backend):
    RessourcePageFactory(
        parent=RessourceIndexPage.objects.get(),
        title="Atelier numérique",
        summary="Découvrir l'ordinateur.",
    )
    return backend


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_query_gets_results_or_a_french_message(client, wiki, name):
    query = HOSTILE[name]
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    shown = html[html.index("<main") :]
    # Either a count of results, a French refusal, or the invitation to type something.
    assert (
        'class="search-count"' in shown
        or "Cette recherche n'a pas pu être faite" in shown
        or "Saisissez un ou plusieurs mots" in shown
    ), shown[:2000]
    suggestions = client.get("/recherche/suggestions/", {"q": query})
    assert suggestions.status_code == 200
    assert isinstance(json.loads(suggestions.content)["suggestions"], list)
    assert RessourcePage.objects.filter(title="Atelier numérique").exists()


def test_a_very_long_query_is_cut_with_a_notice(client, wiki):
    html = client.get("/recherche/", {"q": HOSTILE["long"]}).content.decode()
    assert "seuls ses 200 premiers caractères ont été pris en compte" in html
    assert "Atelier numérique" in html.replace("<mark>", "").replace("</mark>", "")


def test_control_characters_are_dropped_and_the_words_still_found(client, wiki):
    html = client.get("/recherche/", {"q": HOSTILE["control"]}).content.decode()
    assert "1 résultat pour « atelier numérique »" in html


def test_a_nul_character_gets_the_site_s_french_refusal(client, home):
    # The site refuses NUL in any parameter before a view runs (PostgreSQL can't store one).
    response = client.get("/recherche/", {"q": "atelier\x00"})
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()


def test_the_query_is_escaped_wherever_it_is_shown(client, wiki):
    query = '<b>atelier</b> "numérique" & <i>'
    html = client.get("/recherche/", {"q": query}).content.decode()
    assert "<b>atelier</b>" not in html
    assert "&lt;b&gt;atelier&lt;/b&gt; &quot;numérique&quot; &amp; &lt;i&gt;" in html
    # In the page's title and in the header's search box too.
    assert html.count("&lt;b&gt;atelier&lt;/b&gt;") >= 3


def test_a_query_string_larger_than_the_guard_allows_is_refused_in_french(client, home):
    response = client.get("/recherche/", {"q": "é" * 40_000})
    assert response.status_code == 413
    assert "dépasse la taille autorisée" in response.content.decode()


def test_floods_are_refused_in_french_like_other_public_forms(client, home):
    # The clock stopped mid-window: 121 searches straddling the minute's end would start the
    # count again (it did on a loaded machine).
    with time_machine.travel("2026-03-02 10:20:30 +0100", tick=False):
        for _ in range(120):
            assert client.get("/recherche/", {"q": "atelier"}).status_code == 200
        refused = client.get("/recherche/", {"q": "atelier"})
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert refused["Retry-After"]
