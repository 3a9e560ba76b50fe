"""Review days: each block renders what it holds and links the method it used, long sections
fold, bad blocks are refused in French, and the day prints and downloads whole."""

import datetime
import io
import zipfile

import pytest
from defusedxml.minidom import parseString

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.blocks import StreamBlockValidationError
from wagtail.documents import get_document_model

from bilans.blocks import BilanSectionsBlock
from bilans.document import elements_of
from bilans.factories import ActionFactory, MethodPageFactory
from bilans.models import BilanPage, BilanParticipation
from structures.factories import LieuPageFactory
from tests.bilans.conftest import five_columns
from tests.clients import text


def section(kind: str, title: str, method=None, **fields) -> dict:
    return {
        "type": kind,
        "value": {
            "title": title,
            "method": method.pk if method else None,
            "lead": "",
            "folded": True,
        }
        | fields,
    }


@pytest.fixture
def full_day(make_bilan, starfish, library, structures):
    accelerator = MethodPageFactory(parent=library, title="Accélérateur de projet")
    return make_bilan(
        title="Journée bilan de printemps",
        date=datetime.date(2023, 5, 9),
        objectives="Faire le bilan\nPréparer la suite",
        facilitators="Une formatrice en coopération",
        guests="La Ville d'Annecy",
        sections=[
            section(
                "activity",
                "Brise-glace",
                None,
                folded=False,
                notes="<p>Des petits papiers anonymes.</p>",
            ),
            section(
                "timeline",
                "Temps forts",
                None,
                moments=[
                    {
                        "when": "2021",
                        "title": "Le premier appel",
                        "author": "Pôle numérique",
                        "kind": "tournant",
                        "text": "Convaincre.",
                    },
                ],
            ),
            five_columns(
                starfish,
                title="Bilan collectif",
                creer=["Un cycle de formations"],
                arreter=["Les fonds européens"],
            ),
            section(
                "presentations",
                "Dessine-moi le projet",
                None,
                presentations=[{"group": "Groupe 1", "text": "<p>2021 : quatre structures.</p>"}],
            ),
            section(
                "interviews",
                "Entretiens croisés",
                None,
                questions=["Pourquoi reproduire ?", "De quoi aurait-on besoin ?"],
                groups=[
                    {
                        "respondents": "Structures extérieures",
                        "facilitator": "Franck",
                        "answers": [
                            {"question": "pourquoi  REPRODUIRE ?", "points": ["Mutualiser"]}
                        ],
                        "retiens": ["L'enthousiasme"],
                        "questionne": [],
                        "suggere": ["Une réunion à Annecy"],
                        "petit_pas": ["Proposer la réunion"],
                    }
                ],
            ),
            section(
                "accelerator",
                "Trouver des bénévoles",
                accelerator,
                presenter="Le CCAS",
                structure=structures["ccas"].pk,
                context="Reprise des ASL.",
                problem="Il manque des bénévoles.",
                clarifying_questions=["Combien ?"],
                reformulation="Je voudrais que le groupe m'aide à trouver des bénévoles.",
                ideas=["jeveuxaider.gouv.fr"],
                action_plan=["Rédiger une fiche de mission"],
                takeaways=["Clarifier les missions"],
            ),
            section(
                "reflection",
                "Trois axes",
                None,
                axes=[
                    {"question": "Comment faire vivre le wiki ?", "points": ["En parler souvent"]}
                ],
            ),
            section(
                "priorities",
                "Actions prioritaires",
                None,
                entries=[
                    {
                        "structure": structures["clef"].pk,
                        "name": "",
                        "focus": "Communiquer",
                        "actions": ["Afficher au Piochet"],
                    },
                    {
                        "structure": None,
                        "name": "Animacoop",
                        "focus": "",
                        "actions": ["Envoyer le compte rendu"],
                    },
                ],
            ),
            section(
                "feedback",
                "Bilan de la journée",
                None,
                feelings=["Au top", "Bon rythme"],
                analysis="<p>Un bon équilibre.</p>",
            ),
            {
                "type": "aside",
                "value": {"title": "Parenthèse", "text": "<p>Qui tiendra la permanence ?</p>"},
            },
        ],
    )


def test_every_block_renders_its_content_and_links_its_method(full_day, client, starfish):
    response = client.get(full_day.url)
    assert response.status_code == 200
    page = text(response)
    for expected in [
        "Des petits papiers anonymes.",
        "Le premier appel",
        "Tournant",
        "Pôle numérique",
        "Un cycle de formations",
        "Les fonds européens",
        "Créer",
        "Maintenir",
        "Amplifier",
        "Réduire",
        "Arrêter",
        "2021 : quatre structures.",
        "Pourquoi reproduire ?",
        "Mutualiser",
        "Groupe animé par Franck",
        "Ce que je retiens",
        "L'enthousiasme",
        "Mon prochain petit pas",
        "Proposer la réunion",
        "Présenté par Le CCAS",
        "CCAS de La Ravoire",
        "Il manque des bénévoles.",
        "Je voudrais que le groupe m'aide",
        "Rédiger une fiche de mission",
        "Ce que Le CCAS retient",
        "Comment faire vivre le wiki ?",
        "En parler souvent",
        "CLEF Chantemerle</a> : Communiquer",
        "Animacoop",
        "Envoyer le compte rendu",
        "Au top",
        "Un bon équilibre.",
        "Qui tiendra la permanence ?",
        "Faire le bilan",
        "Une formatrice en coopération",
        "La Ville d'Annecy",
    ]:
        assert expected in page, expected
    assert f'<a href="{starfish.url}">Voir la méthode : Étoile de mer</a>' in page
    assert page.count("Voir la méthode") == 2
    # Long sections start folded; the icebreaker was set to stay open.
    assert page.count('<details class="bilan-section__details" open>') == 1
    # Nobody signed in: no item offers to become an action.
    assert "Transformer en action" not in page


def test_several_boards_come_one_per_group_then_the_shared_synthesis(
    make_bilan, starfish, client, people
):
    columns = {"maintenir": [], "amplifier": [], "reduire": []}
    bilan = make_bilan(
        sections=[
            {
                "type": "five_columns",
                "value": {
                    "title": "Bilan en groupes",
                    "method": starfish.pk,
                    "lead": "",
                    "folded": False,
                    "boards": [
                        {
                            "group": "Groupe des CCAS",
                            "creer": ["Un atelier tablette"],
                            "arreter": [],
                        }
                        | columns,
                        {
                            "group": "Groupe des associations",
                            "creer": [],
                            "arreter": ["Les fonds européens"],
                        }
                        | columns,
                    ],
                    "synthesis": {
                        "group": "",
                        "creer": ["Des formations pour les acteurs de terrain"],
                        "arreter": [],
                    }
                    | columns,
                },
            }
        ]
    )
    bilan = BilanPage.objects.get(pk=bilan.pk)
    page = text(client.get(bilan.url))
    first, second, synthesis = (
        page.index(">Groupe des CCAS</h3>"),
        page.index(">Groupe des associations</h3>"),
        page.index(">Synthèse partagée</h3>"),
    )
    assert first < page.index("Un atelier tablette") < second
    assert second < page.index("Les fonds européens") < synthesis
    assert synthesis < page.index("Des formations pour les acteurs de terrain")
    # Five columns on each board, as level-4 headings under the group's.
    assert page.count('class="board__label"') == 15
    assert page.count('<h4 class="board__label"') == 15
    # Every post-it, the synthesis's included, may become an action, and says where it was.
    [block] = bilan.sections
    where = {text: place for _id, text, place in block.value.actionable_items()}
    assert where == {
        "Un atelier tablette": "Groupe des CCAS — Créer",
        "Les fonds européens": "Groupe des associations — Arrêter",
        "Des formations pour les acteurs de terrain": "Synthèse — Créer",
    }
    client.force_login(people["facilitator"])
    assert text(client.get(bilan.url)).count("Transformer en action<") == 3


def test_cross_interviews_answer_the_grid_per_group_with_its_facilitator_and_synthesis(
    make_bilan, client
):
    grid = ["Pourquoi reproduire le projet ?", "De quoi auriez-vous besoin ?"]
    bilan = make_bilan(
        sections=[
            section(
                "interviews",
                "Entretiens croisés",
                questions=grid,
                groups=[
                    {
                        "respondents": "Structures accompagnées",
                        "facilitator": "Le chargé de mission d'Agate",
                        "answers": [
                            {"question": grid[1], "points": ["Du temps dédié"]},
                            {"question": grid[0], "points": ["Pour durer"]},
                        ],
                        "retiens": ["Le diagnostic compte"],
                        "questionne": ["Qui financera ?"],
                        "suggere": ["Se revoir en septembre"],
                        "petit_pas": ["Écrire au Département"],
                    },
                    {
                        "respondents": "Structures d'Annecy",
                        "facilitator": "",
                        "answers": [{"question": grid[0], "points": ["Essaimer"]}],
                        "retiens": [],
                        "questionne": [],
                        "suggere": [],
                        "petit_pas": [],
                    },
                ],
            )
        ]
    )
    page = text(client.get(bilan.url))
    accompanied = page.split(">Structures accompagnées</h3>")[1].split(">Structures d'Annecy</h3>")[
        0
    ]
    annecy = page.split(">Structures d'Annecy</h3>")[1]
    assert "Groupe animé par Le chargé de mission d'Agate" in accompanied
    # Answers follow the grid's order, whatever order they were typed in.
    assert accompanied.index(grid[0]) < accompanied.index("Pour durer") < accompanied.index(grid[1])
    assert accompanied.index(grid[1]) < accompanied.index("Du temps dédié")
    for heading, point in [
        ("Ce que je retiens", "Le diagnostic compte"),
        ("Ce qui me questionne", "Qui financera ?"),
        ("Ce que je suggère", "Se revoir en septembre"),
        ("Mon prochain petit pas", "Écrire au Département"),
    ]:
        assert accompanied.index(heading) < accompanied.index(point)
    assert "Essaimer" in annecy and "Groupe animé par" not in annecy
    assert "Ce que je retiens" not in annecy and grid[1] not in annecy


def activity(title: str, kind: str) -> dict:
    block = section("activity", title, notes="<p>Le déroulé.</p>")
    block["value"]["kind"] = kind
    return block


def test_icebreakers_and_energizers_say_which_they_are(make_bilan, client):
    bilan = make_bilan(
        sections=[activity("Petits papiers", "brise-glace"), activity("La ligne", "energiseur")]
    )
    page = text(client.get(bilan.url))
    assert page.index('<p class="bilan-section__kind">Brise-glace</p>') < page.index(
        '<p class="bilan-section__kind">Énergiseur</p>'
    )
    with pytest.raises(StreamBlockValidationError):
        BilanSectionsBlock().clean(
            BilanSectionsBlock().to_python([activity("Autre chose", "sieste")])
        )


def test_a_documents_block_links_each_file_with_its_kind_and_size(make_bilan, client):
    documents = []
    for title, name in [("Photos des tableaux", "tableaux.pdf"), ("Notes", "notes.odt")]:
        document = get_document_model()(title=title)
        document.file.save(name, ContentFile(b"x" * 2048), save=False)
        document.save()
        documents.append(document)
    bilan = make_bilan(
        sections=[
            {
                "type": "documents",
                "value": {
                    "title": "Les documents de la journée",
                    "documents": [
                        {"document": documents[0].pk, "label": "Les cinq colonnes en photo"},
                        {"document": documents[1].pk, "label": ""},
                    ],
                },
            }
        ]
    )
    page = text(client.get(bilan.url))
    assert '<h2 id="documents-' in page and "Les documents de la journée</h2>" in page
    assert f'<a href="{documents[0].url}" download>Les cinq colonnes en photo</a>' in page
    assert f'<a href="{documents[1].url}" download>Notes</a>' in page
    assert page.count('<span class="document-link__meta">') == 2
    assert '<span class="document-link__meta">(PDF, 2,0' in page
    assert '<span class="document-link__meta">(ODT, 2,0' in page
    assert client.get(documents[0].url).status_code == 200


def test_the_print_version_unfolds_every_section_and_offers_no_actions(full_day, client, people):
    client.force_login(people["facilitator"])
    assert "Transformer en action" in text(client.get(full_day.url))
    page = text(client.get(full_day.url + "imprimer/"))
    assert 'class="bilan-section__details"' in page
    assert '<details class="bilan-section__details">' not in page
    assert "Transformer en action" not in page
    assert "noindex" in page
    assert "Un cycle de formations" in page


def test_the_downloaded_document_is_an_odt_with_every_section(full_day, client):
    response = client.get(full_day.url + "telecharger/")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert 'filename="bilan-2023-05-09-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    content = archive.read("content.xml").decode()
    for expected in [
        "Journée bilan de printemps",
        "Bilan collectif",
        "Un cycle de formations",
        "Rédiger une fiche de mission",
        "Qui tiendra la permanence ?",
        "Au top",
    ]:
        assert expected in content, expected
    assert "Voir le détail" not in content
    assert (
        '<text:h text:style-name="Heading_20_1" text:outline-level="1">Journée bilan de printemps</text:h>'
        in content
    )
    # Both parts are well-formed XML.
    parseString(content)
    parseString(archive.read("styles.xml"))


def test_hostile_text_stays_text_on_the_page_and_in_the_document(make_bilan, client):
    # Control characters are not allowed in XML; NUL never reaches the database (forms refuse it).
    hostile = "<script>alert(1)</script> & \x0b\x1f «»"
    bilan = make_bilan(sections=[five_columns(None, creer=[hostile])])
    page = client.get(bilan.url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    content = (
        zipfile.ZipFile(io.BytesIO(client.get(bilan.url + "telecharger/").content))
        .read("content.xml")
        .decode()
    )
    parseString(content)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in content


def test_the_document_keeps_nested_lists_and_line_breaks():
    html = "<article><h2>Titre</h2><ul><li>Un<ul><li>Deux</li></ul></li><li>Trois</li></ul><p>a<br>b</p></article>"
    assert elements_of(html) == [
        ("heading", 2, "Titre"),
        ("item", 1, "Un"),
        ("item", 2, "Deux"),
        ("item", 1, "Trois"),
        ("paragraph", 0, "a\nb"),
    ]


def _clean(raw: list[dict]):
    block = BilanSectionsBlock()
    return block.clean(block.to_python(raw))


def _messages(error: Exception) -> str:
    if isinstance(error, StreamBlockValidationError):
        return " ".join(_messages(child) for child in error.block_errors.values()) + " ".join(
            str(e) for e in error.non_block_errors
        )
    data = getattr(error, "as_json_data", dict)()
    return str(data)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (five_columns(None), "Le tableau est vide : ajoutez au moins un post-it dans une colonne."),
        (
            section(
                "interviews",
                "Entretiens",
                None,
                questions=["Pourquoi ?"],
                groups=[
                    {
                        "respondents": "Groupe",
                        "facilitator": "",
                        "answers": [{"question": "Comment ?", "points": ["x"]}],
                        "retiens": [],
                        "questionne": [],
                        "suggere": [],
                        "petit_pas": [],
                    }
                ],
            ),
            "La question « Comment ? » n'est pas dans la grille de cet entretien",
        ),
        (
            section(
                "priorities",
                "Priorités",
                None,
                entries=[{"structure": None, "name": "", "focus": "", "actions": ["x"]}],
            ),
            "Choisissez la structure ou écrivez son nom.",
        ),
        (
            section("feedback", "Retours", None, feelings=[], analysis=""),
            "Ajoutez au moins un ressenti ou une analyse.",
        ),
        (five_columns(None, creer=["x" * 501]), "au plus 500 caractères (actuellement 501)"),
        (section("timeline", "Frise", None, moments=[]), "Le nombre minimum d'éléments est 1"),
    ],
)
def test_bad_blocks_are_refused_with_a_french_message(raw, message):
    with pytest.raises(ValidationError) as caught:
        _clean([raw])
    assert message in _messages(caught.value), _messages(caught.value)


def test_a_review_day_is_held_in_a_network_place_or_at_an_address_not_both(index, structures):
    place = LieuPageFactory(parent=structures["clef"], title="Espace du Piochet")
    day = BilanPage(
        title="Bilan",
        slug="bilan",
        date=datetime.date(2024, 1, 1),
        place=place,
        address="5 rue Ailleurs",
    )
    day.path, day.depth = "0001", 1
    with pytest.raises(ValidationError) as caught:
        day.full_clean()
    assert caught.value.message_dict["address"] == [
        "Choisissez un lieu du réseau ou écrivez une adresse, pas les deux."
    ]


def _day_of(number: int, library, structures, make_bilan, date) -> BilanPage:
    """A review day of `number` pairs of sections, each pair bound to its own method, every
    item of which became an action, carried out by a page."""
    sections = []
    for index in range(number):
        method = MethodPageFactory(parent=library, title=f"Méthode {date.year}-{index:02d}")
        sections.append(
            five_columns(
                method, title=f"Tableau {index}", creer=[f"Idée {index}"], maintenir=["Le réseau"]
            )
        )
        sections.append(
            section(
                "priorities",
                f"Priorités {index}",
                method,
                entries=[
                    {
                        "structure": structures["clef"].pk,
                        "name": "",
                        "focus": "",
                        "actions": ["Afficher"],
                    }
                ],
            )
        )
    bilan = make_bilan(date=date, sections=sections)
    bilan = BilanPage.objects.get(pk=bilan.pk)
    for block in bilan.sections:
        for item_id, item_text, _where in block.value.actionable_items():
            action = ActionFactory(
                bilan=bilan, structure=structures["ccas"], item_id=item_id, description=item_text
            )
            action.carried_by.set([structures["clef"]])
    BilanParticipation.objects.bulk_create(
        BilanParticipation(bilan=bilan, structure=structure) for structure in structures.values()
    )
    return bilan


def test_a_review_day_costs_the_same_queries_with_two_sections_or_twenty(
    library, structures, make_bilan, client, database_cache, people
):
    # Each day follows another that left open actions: both open with a follow-up.
    _day_of(1, library, structures, make_bilan, datetime.date(2021, 1, 10))
    small = _day_of(1, library, structures, make_bilan, datetime.date(2022, 1, 10))
    large = _day_of(10, library, structures, make_bilan, datetime.date(2023, 1, 10))
    after_small = make_bilan(date=datetime.date(2022, 6, 1))
    after_large = make_bilan(date=datetime.date(2023, 6, 1))
    client.force_login(people["facilitator"])
    counts = {}
    for bilan in (small, large, after_small, after_large):
        client.get(bilan.url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(bilan.url)
        assert response.status_code == 200
        counts[bilan.pk] = len(queries)
    # Twenty sections bound to ten methods, thirty actions on their items, carried over the
    # next time with their carriers: not one query more than for two sections.
    assert counts[small.pk] == counts[large.pk] <= 30
    assert counts[after_small.pk] == counts[after_large.pk] <= 30
    page = text(client.get(large.url))
    assert page.count("Voir la méthode : Méthode 2023-") == 20  # two sections per method
    assert page.count("→ action de CCAS de La Ravoire") == 30
    followup = text(client.get(after_large.url)).split("</section>")[0]
    assert followup.count("Mise en œuvre par") == 30 + 3 + 3  # and the earlier open ones
