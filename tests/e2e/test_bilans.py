"""A facilitator builds a review day with a five-column board in the admin and turns a post-it
into an action for a structure; a member of that structure marks it done; the next review day
opens with it among last time's actions. The review day, the method library and a method pass
the accessibility check on a phone and a desktop."""

import datetime

import pytest
from playwright.sync_api import expect

from django.contrib.auth import get_user_model

from bilans import demo
from bilans.factories import BilanPageFactory, MethodPageFactory
from bilans.models import Action, BilanIndexPage, BilanPage, MethodIndexPage, Status
from structures.factories import StructurePageFactory
from structures.models import Facilitator, Membership, Role, StructureIndexPage
from tests.e2e.accounts import PASSWORD, log_in, log_out
from tests.e2e.conftest import AT_A_DESK


@pytest.fixture
def network(home):
    clef = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="CLEF Chantemerle", slug="clef"
    )
    users = get_user_model().objects
    member = users.create_user("helene@example.org", "helene@example.org", PASSWORD)
    Membership.objects.create(user=member, structure=clef, role=Role.MEMBER)
    camille = users.create_user("camille@example.org", "camille@example.org", PASSWORD)
    Facilitator.objects.create(user=camille)
    method = MethodPageFactory(
        parent=MethodIndexPage.objects.get(),
        title="Bilan en cinq colonnes",
        slug="bilan-en-cinq-colonnes",
        steps=[
            {
                "type": "step",
                "value": {
                    "title": "Écrire en silence",
                    "minutes": 15,
                    "text": "<p>Un post-it par idée.</p>",
                },
            }
        ],
        materials="Post-it\nFeutres",
    )
    return {"clef": clef, "method": method}


@AT_A_DESK
def test_a_post_it_becomes_an_action_is_done_and_shows_at_the_next_review_day(visitor, network):
    index = BilanIndexPage.objects.get()
    page = log_in(visitor, "camille@example.org", f"/admin/pages/add/bilans/bilanpage/{index.pk}/")
    page.locator("#id_title").fill("Journée bilan d'automne")
    page.locator("#id_date").fill("2026-10-05")
    page.keyboard.press("Escape")
    page.locator("#sections-root").get_by_role("button", name="Insérer un bloc").first.click()
    page.get_by_role("option", name="Bilan en cinq colonnes").click()
    page.locator("#sections-0-value-title").fill("Ce que nous changeons")
    page.locator('[data-contentpath="creer"] .c-sf-add-button').first.click()
    page.locator("#sections-0-value-boards-0-value-creer-0-value").fill(
        "Une permanence le samedi matin"
    )
    page.locator("footer .w-dropdown__toggle").first.click()
    with page.expect_navigation(wait_until="load"):
        page.locator('footer button[name="action-publish"]').click()
    bilan = BilanPage.objects.get(title="Journée bilan d'automne")
    assert bilan.live

    visitor.open(bilan.url)
    page.get_by_text("Voir le détail : Ce que nous changeons").click()
    visitor.follow(
        page.get_by_role("link", name="Transformer en action : Une permanence le samedi matin")
    )
    expect(page.get_by_role("textbox", name="Action (obligatoire)")).to_have_value(
        "Une permanence le samedi matin"
    )
    page.get_by_role("combobox", name="Structure responsable").select_option(
        label="CLEF Chantemerle"
    )
    page.get_by_role("textbox", name="Échéance").fill("2026-12-19")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Créer l'action").click()
    expect(page.get_by_text("→ action de CLEF Chantemerle : à faire")).to_be_visible()
    log_out(visitor)

    page = log_in(visitor, "helene@example.org", "/compte/mon-espace/")
    visitor.follow(page.get_by_role("link", name="Mettre à jour : Une permanence le samedi matin"))
    visitor.check("tableau des actions de la structure")
    action = Action.objects.get()
    page.locator(f"#etat-{action.pk}").select_option(label="Faite")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Mettre à jour").click()
    expect(page.get_by_role("status").filter(has_text="maintenant : faite")).to_be_visible()
    action.refresh_from_db()
    assert action.status == Status.DONE

    following = BilanPageFactory(
        parent=BilanIndexPage.objects.get(),
        title="Journée bilan de printemps",
        date=datetime.date(2027, 4, 6),
    )
    visitor.open(following.url)
    followup = page.locator("section.bilan-followup")
    expect(followup.get_by_role("heading")).to_have_text(
        "Où en sont les actions du bilan précédent ?"
    )
    expect(followup).to_contain_text("Une permanence le samedi matin")
    expect(followup).to_contain_text("Faite")
    visitor.check("journée suivante")
    visitor.assert_no_problems()


def test_a_review_day_the_library_and_a_method_pass_the_checks(visitor, network):
    bilan = BilanPageFactory(
        parent=BilanIndexPage.objects.get(),
        title="Journée bilan du Transistor",
        objectives="Faire le bilan",
        sections=[
            {
                "type": "five_columns",
                "value": {
                    "title": "Bilan collectif",
                    "method": network["method"].pk,
                    "lead": "Les post-it de chacun.",
                    "folded": False,
                    "boards": [
                        {
                            "group": "",
                            "creer": ["Un cycle de formations"],
                            "maintenir": ["Le réseau"],
                            "amplifier": ["Le wiki"],
                            "reduire": ["Le poids des fonds européens"],
                            "arreter": [],
                        }
                    ],
                    "synthesis": {
                        "group": "",
                        "creer": [],
                        "maintenir": [],
                        "amplifier": [],
                        "reduire": [],
                        "arreter": [],
                    },
                },
            },
            {
                "type": "timeline",
                "value": {
                    "title": "Temps forts",
                    "method": None,
                    "lead": "",
                    "folded": True,
                    "moments": [
                        {
                            "when": "2021",
                            "title": "Le premier appel",
                            "author": "Pôle numérique",
                            "kind": "tournant",
                            "text": "Convaincre.",
                        }
                    ],
                },
            },
        ],
    )
    page = visitor.open(bilan.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Journée bilan du Transistor")
    visitor.check("journée bilan")
    page.get_by_text("Voir le détail : Temps forts").click()
    expect(page.get_by_text("Le premier appel")).to_be_visible()
    visitor.follow(page.get_by_role("link", name="Voir la méthode : Bilan en cinq colonnes"))
    expect(page.get_by_role("heading", name="Journées bilan qui l'ont utilisée")).to_be_visible()
    visitor.check("méthode")
    visitor.open(MethodIndexPage.objects.get().url + "?participants=12&objectif=reflechir")
    visitor.check("bibliothèque de méthodes")
    visitor.open(bilan.url + "imprimer/")
    visitor.check("version imprimable")
    visitor.assert_no_problems()


@AT_A_DESK
def test_the_whole_demo_review_day_unfolded_passes_the_checks_as_a_facilitator_sees_it(
    visitor, network, home
):
    """Every kind of section of the 9 May 2023 day, its actions and the links that turn items
    into actions, each section unfolded as a reader would."""
    parent = StructureIndexPage.objects.get()
    for slug in demo.PARTICIPANTS:
        StructurePageFactory(parent=parent, title=slug.replace("-", " ").title(), slug=slug)
    demo.seed(home=home, log=lambda message: None)
    bilan = BilanPage.objects.get(slug=demo.SLUG)
    assert bilan.actions.exists()
    page = log_in(visitor, "camille@example.org", bilan.url)
    folded = page.locator("details:not([open]) > summary")
    while folded.count():
        folded.first.click()
    expect(page.get_by_text("Mon prochain petit pas").first).to_be_visible()
    expect(page.get_by_text("Brise-glace", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Transformer en action").first).to_be_visible()
    visitor.check("journée bilan de démonstration dépliée")
    visitor.assert_no_problems()
