"""A participant proposes a weekly workshop; a facilitator approves it; it is in the agenda and in
the structure's calendar feed."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from django.contrib.auth import get_user_model

from structures.factories import StructurePageFactory
from structures.models import Facilitator, Membership, Role, StructureIndexPage
from tests.e2e.accounts import PASSWORD, log_in, log_out
from tests.e2e.conftest import AT_A_DESK

MONDAY_10H = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris


@pytest.fixture
def network(home):
    regie = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Régie Coup de Pouce", slug="regie"
    )
    users = get_user_model().objects
    sacha = users.create_user("sacha@example.org", "sacha@example.org", PASSWORD)
    Membership.objects.create(user=sacha, structure=regie, role=Role.MEMBER)
    camille = users.create_user("camille@example.org", "camille@example.org", PASSWORD)
    Facilitator.objects.create(user=camille)
    return regie


@AT_A_DESK
def test_a_participant_proposes_a_weekly_workshop_and_a_facilitator_approves_it(visitor, network):
    with time_machine.travel(MONDAY_10H, tick=True):
        page = log_in(visitor, "sacha@example.org", "/evenements/proposer/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Proposer un événement")
        visitor.check("formulaire de proposition")

        page.get_by_label("Titre").fill("Atelier « mon smartphone »")
        page.get_by_label("Résumé").fill(
            "Appels, photos, messages : prendre en main son téléphone."
        )
        page.locator("#id_start").fill("2026-12-04T09:00")
        page.locator("#id_end").fill("2026-12-04T11:00")
        page.get_by_label("Répétition").select_option(label="chaque semaine")
        page.get_by_label("vendredi").check()
        page.get_by_label("Autre adresse").fill("5 rue de la Régie, Chambéry")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_role("status").filter(has_text="Merci")).to_be_visible()
        expect(page.get_by_text("En attente de modération")).to_be_visible()
        visitor.check("mes événements")
        log_out(visitor)

        # Not in the agenda before moderation.
        visitor.open("/agenda/")
        expect(page.get_by_text("Atelier « mon smartphone »")).to_have_count(0)

        page = log_in(visitor, "camille@example.org", "/evenements/moderation/")
        visitor.follow(page.get_by_role("link", name="Atelier « mon smartphone »"))
        expect(page.get_by_text("chaque vendredi")).to_be_visible()
        visitor.check("relecture")
        page.get_by_label("Approuver et publier").check()
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Enregistrer la décision").click()
        expect(page.get_by_role("status").filter(has_text="Décision enregistrée")).to_be_visible()
        expect(page.get_by_text("Rien n'attend votre modération.")).to_be_visible()

        visitor.open("/agenda/")
        expect(page.get_by_role("link", name="Atelier « mon smartphone »").first).to_be_visible()
        visitor.check("agenda")
        feed = page.request.get("/agenda/ics/structure/regie/")
        assert feed.status == 200
        body = feed.text()
        assert "SUMMARY:Atelier « mon smartphone »" in body
        assert "RRULE:FREQ=WEEKLY;BYDAY=FR" in body
        assert "DTSTART;TZID=Europe/Paris:20261204T090000" in body

    visitor.assert_no_problems()
