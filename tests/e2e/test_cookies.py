"""Only the cookies the site cannot work without, so no consent banner is needed: a visitor who
reads the public pages and sends a public form, then a partner who signs in, receive the CSRF
cookie and the session cookie, and nothing else, from the site or from anyone else."""

import datetime
import time

import pytest
import time_machine
from playwright.sync_api import expect

from django.conf import settings
from django.contrib.auth import get_user_model

from wagtail.models import Page

from structures.factories import StructurePageFactory
from structures.models import Membership, Role, StructureIndexPage
from tests.e2e.accounts import PASSWORD, log_in

MONDAY_10H = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris
NEEDED = {"csrftoken", "sessionid"}


@pytest.fixture
def screen():
    # Cookies do not depend on the screen: one run is enough.
    return "desktop"


@pytest.fixture
def public_paths(home):
    regie = StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Régie")
    user = get_user_model().objects.create_user("sacha@example.org", "sacha@example.org", PASSWORD)
    Membership.objects.create(user=user, structure=regie, role=Role.MEMBER)
    sections = Page.objects.child_of(home).live().public().order_by("path")
    return ["/", *(page.url for page in sections), regie.url]


def cookies_set(visitor) -> set[str]:
    """Every cookie the pages asked to set, even one dropped again a page later."""
    names = set()

    def record(response):
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                names.add(header["value"].split("=", 1)[0].strip())

    visitor.page.on("response", record)
    return names


def test_a_visitor_and_then_a_partner_get_only_the_csrf_and_session_cookies(visitor, public_paths):
    page = visitor.page
    received = cookies_set(visitor)
    with time_machine.travel(MONDAY_10H, tick=True):
        for path in public_paths:
            visitor.open(path)
            assert visitor.document.status == 200, path
        assert received <= NEEDED
        assert "sessionid" not in received  # reading needs no session

        visitor.open("/evenements/proposer/")
        page.get_by_label("Titre").fill("Café numérique")
        page.get_by_label("Résumé").fill("Un moment pour poser ses questions sur le numérique.")
        page.locator("#id_start").fill("2026-12-04T09:00")
        page.locator("#id_end").fill("2026-12-04T11:00")
        page.get_by_label("Autre adresse").fill("5 rue de la Régie, Chambéry")
        page.get_by_label("Votre courriel").fill("habitante@example.org")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_role("status").filter(has_text="Merci")).to_be_visible()
        visitor.check("proposition envoyée")

        as_visitor = {cookie["name"] for cookie in page.context.cookies()}
        assert received <= NEEDED, received
        assert as_visitor <= NEEDED, as_visitor

        log_in(visitor, "sacha@example.org", "/compte/mon-espace/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
        visitor.open("/ressources/")
        cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}

    assert received <= NEEDED, received
    assert set(cookies) == NEEDED
    assert cookies["sessionid"]["httpOnly"] and cookies["sessionid"]["sameSite"] == "Lax"
    assert cookies["csrftoken"]["sameSite"] == "Lax"
    # The session cookie lasts the session's 8 hours at most (the browser counts from its clock).
    assert cookies["sessionid"]["expires"] <= time.time() + settings.SESSION_COOKIE_AGE + 60
    visitor.assert_no_problems()
