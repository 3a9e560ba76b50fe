"""The site search page: every content type with its useful fact, filters, pages, suggestions."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage
from bilans.factories import BilanPageFactory, MethodPageFactory
from bilans.models import BilanIndexPage, MethodIndexPage
from ressources.factories import RessourcePageFactory
from ressources.models import RessourceIndexPage
from structures.factories import LieuPageFactory, NewsPageFactory, StructurePageFactory
from structures.models import StructureIndexPage
from veille.factories import AppelPageFactory
from veille.models import VeilleIndexPage

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A Tuesday morning: the place below is open, the call closes within a month.
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)
# Every page of the network below says it, in some field of its own.
WORD = "passerelle"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def network(home, frozen):
    structure = StructurePageFactory(
        parent=StructureIndexPage.objects.get(),
        title="Maison des habitants du Biollay",
        commune="Chambéry",
        activites=f"Une {WORD} entre les habitants et les services publics.",
    )
    pages = {
        "structure": structure,
        "lieu": LieuPageFactory(
            parent=structure,
            title="Espace numérique du Biollay",
            commune="Chambéry",
            horaires="Mo-Fr 09:00-17:00",
            presentation_resume=f"Ordinateurs en libre accès et {WORD} vers les démarches.",
        ),
        "news": NewsPageFactory(
            parent=structure,
            title="Nouveaux horaires au Biollay",
            date=date(2026, 3, 2),
            intro=f"La {WORD} numérique ouvre aussi le mercredi.",
        ),
        "event": EventPageFactory(
            parent=structure,
            title="Atelier smartphone",
            summary=f"Prendre en main son téléphone, une {WORD} vers l'autonomie.",
            start=datetime(2026, 3, 10, 14, 0, tzinfo=PARIS),
            end=datetime(2026, 3, 10, 16, 0, tzinfo=PARIS),
        ),
        "appel": AppelPageFactory(
            parent=VeilleIndexPage.objects.get(),
            title="Fonds pour l'inclusion numérique",
            summary=f"Financer une {WORD} numérique dans les quartiers.",
            deadline=date(2026, 3, 20),
        ),
        "ressource": RessourcePageFactory(
            parent=RessourceIndexPage.objects.get(),
            title="Démarches administratives en ligne",
            summary=f"Accompagner une personne sur les sites publics, une {WORD} pas à pas.",
        ),
        "bilan": BilanPageFactory(
            parent=BilanIndexPage.objects.get(),
            title="Journée bilan du réseau",
            date=date(2023, 5, 9),
            objectives=f"Faire le point sur la {WORD} entre structures.",
        ),
        "methode": MethodPageFactory(
            parent=MethodIndexPage.objects.get(),
            title="Bateau pirate",
            summary=f"Une rétrospective en image, {WORD} entre les idées.",
            duration=60,
            group_min=4,
            group_max=20,
        ),
    }
    return pages


@pytest.fixture
def indexed(network, backend):
    """The network, searched through whoosh and through the database backend."""
    return network


def results(html: str) -> list[str]:
    return re.findall(r'<li class="search-result[^"]*">(.*?)</li>', html, re.S)


def result_for(html: str, title: str) -> str:
    found = [item for item in results(html) if f">{escape(title)}<" in strip_marks(item)]
    assert len(found) == 1, f"{title!r} is not exactly once in the results"
    return found[0]


def strip_marks(html: str) -> str:
    return html.replace("<mark>", "").replace("</mark>", "")


EXPECTED_FACTS = {
    "structure": ("Structure", "Chambéry"),
    "lieu": ("Espace numérique", "Chambéry · Ouvert maintenant — ferme à 17 h"),
    "news": ("Actualité", "Publiée le 2 mars 2026"),
    "event": ("Événement", "Prochaine date : mardi 10 mars 2026 à 14 h"),
    "appel": ("Appel à projets", "Se termine bientôt · date limite : vendredi 20 mars 2026"),
    "ressource": ("Ressource", "Fiche pratique"),
    "bilan": ("Journée bilan", "Journée du 9 mai 2023"),
    "methode": ("Méthode", "1 h · de 4 à 20 personnes"),
}


def test_every_content_type_is_found_with_its_type_and_useful_fact(client, indexed):
    response = client.get("/recherche/", {"q": WORD})
    assert response.status_code == 200
    html = response.content.decode()
    for kind, (type_label, fact) in EXPECTED_FACTS.items():
        item = result_for(html, indexed[kind].title)
        assert f'<p class="search-result__type">{type_label}' in item, kind
        assert f'<p class="search-result__fact">{fact}</p>' in item, kind
        assert f"<mark>{WORD}</mark>" in item, f"{kind}: the excerpt highlights the word"
        assert f'href="{indexed[kind].url}"' in item, kind


def test_type_filters_count_each_type_and_narrow_the_results(client, indexed):
    html = client.get("/recherche/", {"q": WORD}).content.decode()
    assert len(results(html)) == 8
    assert 'aria-current="page">Tout <span class="search-types__count">(8)</span>' in html
    assert "Espaces numériques <span" in html
    filtered = client.get("/recherche/", {"q": WORD, "type": "structures.lieupage"})
    html = filtered.content.decode()
    assert [strip_marks(item).count("Espace numérique du Biollay") for item in results(html)] == [1]
    assert "1 résultat pour « passerelle » — espaces numériques" in html
    assert re.search(r'aria-current="page">Espaces numériques', html)


def test_an_unknown_type_is_ignored_rather_than_refused(client, indexed):
    response = client.get("/recherche/", {"q": WORD, "type": "auth.user'--"})
    assert response.status_code == 200
    assert len(results(response.content.decode())) == 8


def test_accents_need_not_be_typed(client, network, accent_folding_backend):
    # On PostgreSQL the database backend does not fold accents (see conftest.py); whoosh does.
    html = client.get("/recherche/", {"q": "demarches administratives"}).content.decode()
    item = result_for(html, "Démarches administratives en ligne")
    assert "<mark>Démarches</mark> <mark>administratives</mark>" in item


def test_results_come_twenty_to_a_page(client, home, whoosh, frozen):
    index = RessourceIndexPage.objects.get()
    for number in range(23):
        RessourcePageFactory(parent=index, title=f"Tablette {number}", summary="Une tablette.")
    first = client.get("/recherche/", {"q": "tablette"}).content.decode()
    assert len(results(first)) == 20
    assert "23 résultats" in first
    assert "Page 1 sur 2" in first
    second = client.get("/recherche/", {"q": "tablette", "page": "2"}).content.decode()
    assert len(results(second)) == 3
    beyond = client.get("/recherche/", {"q": "tablette", "page": "999"})
    assert beyond.status_code == 200
    assert len(results(beyond.content.decode())) == 3


def test_a_misspelt_word_gets_a_suggestion_that_finds_something(client, home, whoosh, frozen):
    RessourcePageFactory(
        parent=RessourceIndexPage.objects.get(),
        title="Démarches administratives en ligne",
        summary="Les sites publics pas à pas.",
    )
    html = client.get("/recherche/", {"q": "demarches administrativs"}).content.decode()
    assert "Aucun résultat" in html
    assert (
        'Vouliez-vous dire : <a href="?q=demarches%20administratives">'
        "demarches administratives</a> ?" in html
    )
    assert client.get("/recherche/", {"q": "demarches administratives"}).status_code == 200


def test_no_suggestion_when_the_words_are_known_or_nothing_is_close(client, home, whoosh):
    RessourcePageFactory(parent=RessourceIndexPage.objects.get(), title="Imprimante partagée")
    html = client.get("/recherche/", {"q": "imprimante"}).content.decode()
    assert "Vouliez-vous dire" not in html
    html = client.get("/recherche/", {"q": "xylophone"}).content.decode()
    assert "Vouliez-vous dire" not in html


def test_nothing_found_proposes_the_sections_and_the_most_used_resources(client, home, whoosh):
    index = RessourceIndexPage.objects.get()
    structures = [StructurePageFactory(parent=StructureIndexPage.objects.get()) for _ in range(2)]
    used = RessourcePageFactory(parent=index, title="Fiche très utilisée")
    used.used_by = structures
    used.save()
    RessourcePageFactory(parent=index, title="Fiche peu utilisée")
    html = client.get("/recherche/", {"q": "zzzzqqqq"}).content.decode()
    assert "Aucun résultat pour « zzzzqqqq »" in html
    empty = html[html.index('class="search-empty"') :]
    assert f'href="{AgendaPage.objects.get().url}"' in empty
    assert 'href="/espaces-numeriques/"' in empty
    assert empty.index("Fiche très utilisée") < empty.index("Fiche peu utilisée")


def test_the_page_costs_the_same_queries_for_few_results_or_many(
    client, home, whoosh, frozen, database_cache
):
    def counted(query: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/recherche/", {"q": query})
        assert response.status_code == 200
        return len(queries), len(results(response.content.decode()))

    structure = StructurePageFactory(parent=StructureIndexPage.objects.get())

    def one_of_each(word: str) -> None:
        LieuPageFactory(parent=structure, presentation_resume=word, horaires="Mo 09:00-12:00")
        EventPageFactory(parent=structure, summary=word)
        NewsPageFactory(parent=structure, intro=word)
        AppelPageFactory(parent=VeilleIndexPage.objects.get(), summary=word)
        RessourcePageFactory(parent=RessourceIndexPage.objects.get(), summary=word)
        BilanPageFactory(parent=BilanIndexPage.objects.get(), objectives=word)
        MethodPageFactory(parent=MethodIndexPage.objects.get(), summary=word)

    one_of_each("girafe")
    for _ in range(2):
        one_of_each("zebre")
    counted("girafe")  # warms the site and content-type caches up
    few, shown_few = counted("girafe")
    many, shown_many = counted("zebre")
    assert (shown_few, shown_many) == (7, 14)
    assert few == many
    # The guard's rate count in the database cache, the visible pages, one query per page
    # type shown, the events' next sessions, then the site's header and footer.
    assert many <= 32


def test_an_index_entry_whose_content_type_is_gone_is_left_out(client, home, whoosh):
    from modelsearch.backends import get_search_backend
    from wagtail.models import Page

    from website.search.whoosh.mapping import build_document, index_name

    kept = RessourcePageFactory(parent=RessourceIndexPage.objects.get(), title="Tablette prêtée")
    # An entry left behind by rows deleted without the index hearing of it (a database
    # restored from an older backup): its page and its content type are gone.
    stale = build_document(kept)
    (column,) = [name for name in stale if name.endswith("content_type_id")]
    stale.update({"id": "999999", "pkn": 999999, column: 999999})
    get_search_backend().get_store(index_name(Page)).write(add=[stale])

    response = client.get("/recherche/", {"q": "tablette"})
    assert response.status_code == 200
    html = response.content.decode()
    assert [strip_marks(item).count("Tablette prêtée") for item in results(html)] == [1]
