"""The method library: method sheets with every field, the library's filters, the review days
that used each method, and the sheets' validation."""

import datetime

import pytest

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bilans.factories import MethodPageFactory
from bilans.models import MethodKind, MethodPage, Objective
from tests.bilans.conftest import five_columns
from tests.clients import text


def test_a_method_sheet_shows_every_field(library, client):
    method = MethodPageFactory(
        parent=library,
        title="Accélérateur de projet",
        objective=Objective.DECIDE,
        kind=MethodKind.CODEVELOPMENT,
        group_min=4,
        group_max=8,
        duration=60,
        remote=True,
        summary="Une personne confie un problème au groupe.",
        steps=[
            {
                "type": "step",
                "value": {
                    "title": "Exposé du problème",
                    "minutes": 5,
                    "text": "<p>Sans interruption.</p>",
                },
            },
            {"type": "step", "value": {"title": "Suggestions", "minutes": 15, "text": ""}},
        ],
        roles=[
            {
                "type": "role",
                "value": {"name": "Gardien du temps", "description": "Tient les étapes."},
            }
        ],
        materials="Un minuteur\nUne grande feuille",
        tips="<p>Tenez le temps d'écoute.</p>",
        variants="<p>Plusieurs groupes en parallèle.</p>",
        sources=[
            {
                "type": "source",
                "value": {"label": "Le codéveloppement", "url": "https://example.org/codev"},
            }
        ],
    )
    page = text(client.get(method.url))
    for expected in [
        "Accélérateur de projet",
        "Décider ensemble",
        "Codéveloppement",
        "de 4 à 8 personnes",
        "1 h",
        "Exposé du problème",
        "(5 minutes)",
        "Gardien du temps",
        "Un minuteur",
        "Tenez le temps d'écoute.",
        "Plusieurs groupes en parallèle.",
        'href="https://example.org/codev"',
        "Creative Commons BY-SA 4.0",
        "Aucune journée bilan publiée ne l'a encore utilisée.",
    ]:
        assert expected in page, expected


def test_a_method_lists_the_live_review_days_that_used_it(starfish, make_bilan, client):
    used = make_bilan(
        title="Bilan de printemps", sections=[five_columns(starfish, creer=["Un atelier"])]
    )
    make_bilan(title="Bilan sans méthode", sections=[five_columns(None, creer=["Autre"])])
    make_bilan(
        title="Bilan en brouillon", live=False, sections=[five_columns(starfish, creer=["X"])]
    )
    page = text(client.get(starfish.url))
    assert "Bilan de printemps" in page
    assert "Bilan sans méthode" not in page
    assert "Bilan en brouillon" not in page
    # A draft that drops the method changes nothing until it is published.
    used.sections = [five_columns(None, creer=["Un atelier"])]
    revision = used.save_revision()
    assert "Bilan de printemps" in text(client.get(starfish.url))
    revision.publish()
    assert "Bilan de printemps" not in text(client.get(starfish.url))


CATALOGUE = [
    # title, objective, kind, group size, duration, remote
    ("Petits papiers", Objective.CONNECT, MethodKind.ICEBREAKER, (6, 30), 20, False),
    ("Retour à chaud", Objective.EVALUATE, MethodKind.FEEDBACK, (3, None), 10, True),
    ("Accélérateur", Objective.DECIDE, MethodKind.CODEVELOPMENT, (4, 8), 60, True),
]


@pytest.fixture
def catalogue(library):
    return [
        MethodPageFactory(
            parent=library,
            title=title,
            objective=objective,
            kind=kind,
            group_min=smallest,
            group_max=largest,
            duration=duration,
            remote=remote,
        )
        for title, objective, kind, (smallest, largest), duration, remote in CATALOGUE
    ]


def _titles(client, library, query: str) -> set[str]:
    response = client.get(f"{library.url}?{query}")
    assert response.status_code == 200
    return {
        title
        for title in ("Petits papiers", "Retour à chaud", "Accélérateur")
        if f">{title}</a>" in response.content.decode()
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Petits papiers", "Retour à chaud", "Accélérateur"}),
        ("objectif=lien", {"Petits papiers"}),
        ("type=retour", {"Retour à chaud"}),
        ("participants=12", {"Petits papiers", "Retour à chaud"}),
        ("participants=200", {"Retour à chaud"}),
        ("participants=5", {"Retour à chaud", "Accélérateur"}),
        ("duree=15", {"Retour à chaud"}),
        ("duree=60&distance=oui", {"Retour à chaud", "Accélérateur"}),
        ("distance=non", {"Petits papiers"}),
    ],
)
def test_the_library_filters_on_objective_kind_group_size_duration_and_remote(
    catalogue, library, client, query, expected
):
    assert _titles(client, library, query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("objectif=%3Cscript%3E", "Cet objectif n'existe pas."),
        ("type=inconnu", "Ce type de méthode n'existe pas."),
        ("participants=beaucoup", "Indiquez un nombre de participants, en chiffres."),
        ("participants=0", "Indiquez au moins une personne."),
        ("participants=" + "9" * 400, "Indiquez au plus 500 personnes."),
        ("duree=7", "Cette durée n'est pas proposée."),
        ("distance=" + "x" * 5000, "Ce choix n'est pas proposé."),
    ],
)
def test_bad_filters_say_what_is_wrong_in_french_and_list_nothing(
    catalogue, library, client, query, message
):
    response = client.get(f"{library.url}?{query}")
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "<script>" not in page
    assert "Aucune méthode ne correspond à ces critères." in page


def test_the_library_and_a_method_cost_the_same_queries_for_three_methods_or_twenty_five(
    library, make_bilan, client, database_cache
):
    def add_methods(count: int, year: int) -> MethodPage:
        for number in range(count):
            method = MethodPageFactory(parent=library, title=f"Méthode {year}-{number:02d}")
            for day in (1, 2):
                make_bilan(
                    date=datetime.date(year, 1 + number % 12, day),
                    sections=[five_columns(method, creer=["Un post-it"])],
                )
        return method

    def queries(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = add_methods(3, 2021)
    counts = [queries(library.url), queries(few.url)]
    many = add_methods(22, 2022)
    assert [queries(library.url), queries(many.url)] == counts
    assert max(counts) <= 17  # the method page reads the wiki resources that chose it
    page = text(client.get(library.url))
    assert page.count("Utilisée lors de 2 journées bilan") == 25


def _sheet(**fields) -> MethodPage:
    values = {
        "title": "Fiche",
        "slug": "fiche",
        "objective": Objective.THINK,
        "kind": MethodKind.RETROSPECTIVE,
        "group_min": 2,
        "duration": 30,
        "summary": "Résumé",
    } | fields
    return MethodPage(**values)


def _errors(page: MethodPage) -> dict:
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    return caught.value.message_dict


def test_steps_longer_than_the_method_are_refused_with_both_durations(library):
    page = _sheet(
        duration=30,
        steps=[
            {"type": "step", "value": {"title": "Long", "minutes": 25, "text": ""}},
            {"type": "step", "value": {"title": "Encore", "minutes": 20, "text": ""}},
        ],
    )
    page.path, page.depth = "0001", 1  # full_clean without a place in the tree
    errors = _errors(page)
    assert errors["duration"] == [
        "Les étapes durent 45 minutes en tout, plus que la durée indiquée (30 minutes) : corrigez l'une ou l'autre."
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"group_min": 10, "group_max": 4},
            "group_max",
            "Le nombre maximal de participants est plus petit que le minimum.",
        ),
        ({"summary": "x" * 501}, "summary", "au plus 500 caractères"),
        ({"duration": 0}, "duration", "supérieure ou égale à 1"),
        ({"group_min": 100000}, "group_min", "inférieure ou égale à 500"),
        ({"summary": ""}, "summary", "Ce champ ne peut pas être vide."),
    ],
)
def test_bad_method_sheets_are_refused_in_french(library, fields, field, message):
    page = _sheet(**fields)
    page.path, page.depth = "0001", 1
    errors = _errors(page)
    assert any(message in error for error in errors[field]), errors
