"""A resident looks for the Friday drop-in in the agenda, on their phone and on a computer: the
list, its filters, the month table, then the event's page."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from agenda.factories import EventPageFactory
from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage
from tests.e2e.conftest import ON_A_PHONE

MONDAY_10H = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris
PARIS = datetime.timezone(datetime.timedelta(hours=1))  # November: winter time


@pytest.fixture
def agenda(home):
    index = StructureIndexPage.objects.get()
    clef = StructurePageFactory(parent=index, title="CLEF Chantemerle", slug="clef")
    ccas = StructurePageFactory(parent=index, title="CCAS de La Ravoire", slug="ccas")
    piochet = LieuPageFactory(
        parent=clef,
        title="Espace numérique du Piochet",
        commune="La Ravoire",
        code_postal="73490",
        horaires="Fr 09:00-12:00",
    )
    with time_machine.travel(MONDAY_10H, tick=False):
        EventPageFactory(
            parent=clef,
            title="Permanence numérique du vendredi",
            slug="permanence",
            summary="Aide aux démarches en ligne, sans rendez-vous.",
            start=datetime.datetime(2026, 11, 6, 9, 0, tzinfo=PARIS),
            end=datetime.datetime(2026, 11, 6, 12, 0, tzinfo=PARIS),
            recurrence="FREQ=WEEKLY;BYDAY=FR",
            category="permanence",
            place=piochet,
        )
        EventPageFactory(
            parent=ccas,
            title="Atelier « Mon espace santé » avec une conseillère numérique de la CPAM",
            start=datetime.datetime(2026, 11, 24, 14, 0, tzinfo=PARIS),
            end=datetime.datetime(2026, 11, 24, 16, 0, tzinfo=PARIS),
        )


@ON_A_PHONE
def test_a_resident_filters_the_agenda_reads_the_month_and_opens_the_drop_in(visitor, agenda):
    page = visitor.page
    with time_machine.travel(MONDAY_10H, tick=True):
        visitor.open("/agenda/")
        expect(page.locator("h1")).to_have_text("Agenda")
        expect(
            page.get_by_role("link", name="Permanence numérique du vendredi").first
        ).to_be_visible()
        visitor.check("agenda")

        page.get_by_text("Filtrer les événements").first.click()
        page.get_by_label("Structure").select_option(label="CLEF Chantemerle")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Afficher les événements").click()
        expect(page.get_by_text("Mon espace santé")).to_have_count(0)
        expect(page.locator('link[type="text/calendar"]')).to_have_attribute(
            "href", "/agenda/ics/?structure=clef"
        )
        visitor.check("agenda filtré")

        visitor.follow(page.get_by_role("link", name="Mois", exact=True))
        table = page.get_by_role("table", name="Événements de novembre 2026, semaine par semaine")
        expect(table.get_by_role("columnheader")).to_have_count(7)
        expect(
            table.get_by_role("link", name="09h00 Permanence numérique du vendredi")
        ).to_have_count(4)
        visitor.check("mois")

        visitor.follow(table.get_by_role("link").first)
        expect(page.locator("h1")).to_have_text("Permanence numérique du vendredi")
        expect(page.get_by_text("Chaque vendredi")).to_be_visible()
        visitor.check("événement")

        visitor.open("/agenda/?structure=inconnue&lieu=%3Cscript%3E")
        expect(page.get_by_label("Structure")).to_have_accessible_description(
            "Ce choix n'existe pas ou plus : les événements sont affichés sans ce critère."
        )
        visitor.check("filtres refusés")

        visitor.open("/agenda/planning/")
        expect(page.get_by_role("heading", name="Trois mois")).to_be_visible()
        visitor.check("trois mois")

        visitor.open("/agenda/imprimer/")
        expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
        visitor.check("version imprimable")
    visitor.assert_no_problems()
