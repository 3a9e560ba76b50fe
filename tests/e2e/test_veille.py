"""A visitor without an account filters the funding watch on open calls about "inclusion
numérique", opens the call, subscribes to an alert for that search, confirms it from the email,
and the next run of send_veille_alerts sends one email that lists the matching call only.
"""

import datetime
import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from django.core import mail
from django.core.management import call_command

from tests.e2e.conftest import ON_A_PHONE
from veille.factories import AppelPageFactory, FunderFactory
from veille.models import Alert, FunderKind, Theme, VeilleIndexPage

MONDAY_10H = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris
TODAY = datetime.date(2026, 11, 23)
ADDRESS = "habitante@example.org"
MATCHING = "Ateliers numériques de quartier"


@pytest.fixture
def calls(home, site_url, settings):
    # Links in emails point to the live server, so that the visitor can follow them.
    settings.WAGTAILADMIN_BASE_URL = site_url
    watch = VeilleIndexPage.objects.get()
    inclusion = Theme.objects.get(slug="inclusion-numerique")
    youth = Theme.objects.get(slug="jeunesse")
    caf = FunderFactory(name="CAF de la Savoie", kind=FunderKind.CAF)
    with time_machine.travel(MONDAY_10H, tick=False):
        # (title, opening, deadline in days from today, theme): one open call on the theme.
        for title, opening, deadline, theme in [
            (MATCHING, None, 60, inclusion),
            ("Numérique et jeunesse", None, 60, youth),
            ("Inclusion numérique : pas encore ouvert", 20, 90, inclusion),
            ("Inclusion numérique : appel clos", None, -5, inclusion),
        ]:
            AppelPageFactory(
                parent=watch,
                title=title,
                summary="Pour les lieux d'aide au numérique du territoire.",
                opening_date=TODAY + timedelta(days=opening) if opening else None,
                deadline=TODAY + timedelta(days=deadline),
                funders=[caf],
                themes=[theme],
            )


@ON_A_PHONE
def test_a_visitor_subscribes_to_open_calls_on_digital_inclusion_and_gets_one_email(visitor, calls):
    page = visitor.page
    with time_machine.travel(MONDAY_10H, tick=True):
        visitor.open("/veille/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Veille financements")
        visitor.check("veille")

        page.get_by_label("Statut", exact=True).select_option(label="Ouverts aux candidatures")
        page.get_by_label("Thème", exact=True).select_option(label="Inclusion numérique")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Afficher les appels").click()
        results = page.locator(".call-card h3")
        expect(results).to_have_text([MATCHING])
        ics = page.locator('head link[rel="alternate"][type="text/calendar"]')
        expect(ics).to_have_attribute("href", re.compile(r"statut=ouvert&theme=inclusion"))
        visitor.check("veille filtrée")

        visitor.follow(page.get_by_role("link", name=MATCHING))
        expect(page.get_by_role("heading", level=1)).to_have_text(MATCHING)
        visitor.check("appel")
        page.go_back(wait_until="load")

        visitor.follow(page.get_by_role("link", name="Créer une alerte pour cette recherche"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Recevoir une alerte")
        expect(page.get_by_text("Votre recherche :")).to_contain_text("Inclusion numérique")
        page.get_by_label("Votre adresse électronique").fill(ADDRESS)
        page.get_by_label("Chaque jour").check()
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="M'abonner à cette recherche").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse")
        visitor.check("alerte demandée")

        assert [message.to for message in mail.outbox] == [[ADDRESS]]
        confirm_url = re.search(r"^http\S+/alertes/confirmer/\S+$", mail.outbox[0].body, re.M)
        visitor.open(confirm_url.group())
        visitor.check("confirmation")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Confirmer mon alerte").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Votre alerte est active")
        assert Alert.objects.get(email=ADDRESS).confirmed

        mail.outbox.clear()
        call_command("send_veille_alerts", verbosity=0)
        call_command("send_veille_alerts", verbosity=0)  # the same day: nothing more
        assert len(mail.outbox) == 1
        digest = mail.outbox[0]
        assert digest.to == [ADDRESS]
        assert "1 appel à regarder" in digest.subject
        assert MATCHING in digest.body
        for other in ("Numérique et jeunesse", "pas encore ouvert", "appel clos"):
            assert other not in digest.body
        assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    visitor.assert_no_problems()
