"""The privacy page says what the code does: its list of what is kept, why and how long is
written from the limits `purge_personal_data` applies, and its cookies are the site's only ones
(tests/e2e/test_cookies.py lists what a browser receives). The list is a block that reads the
limits each time the page is shown, so it cannot drift from the code."""

import pytest

from django.conf import settings
from django.test import Client

from tests.clients import text
from website.models import StandardPage
from website.privacy_services import retention_rules


@pytest.fixture
def privacy_page(home):
    # setup_site writes it as a draft, for the network to review before publishing it.
    page = StandardPage.objects.get(slug="donnees-personnelles")
    page.get_latest_revision().publish()
    return text(Client(HTTP_HOST="localhost").get(page.url))


def test_the_page_states_every_kind_of_data_kept_why_and_how_long(privacy_page):
    rules = retention_rules()
    assert len(rules) >= 9
    for rule in rules:
        assert str(rule.what) in privacy_page
        assert str(rule.why) in privacy_page
        assert str(rule.how_long) in privacy_page
    for limit in ("8 heures au plus", "15 minutes", "30 jours", "14 jours après l'envoi"):
        assert limit in privacy_page
    assert "90 jours après la modération" in privacy_page
    assert "7 jours si l'abonnement n'est jamais confirmé" in privacy_page


def test_the_page_names_the_cookies_the_site_really_sets(privacy_page):
    assert (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME) == ("sessionid", "csrftoken")
    assert settings.MESSAGE_STORAGE.endswith("SessionStorage")  # no "messages" cookie
    assert "<b>csrftoken</b>" in privacy_page and "<b>sessionid</b>" in privacy_page
    assert "OpenStreetMap" in privacy_page and "openstreetmap" in settings.RELAIS_MAP_TILES_URL
    assert "« Mon espace »" in privacy_page and "ancien membre" in privacy_page


def test_the_list_is_read_from_the_code_when_shown_not_stored_in_the_page(home):
    page = StandardPage.objects.get(slug="donnees-personnelles")
    assert [block.block_type for block in page.body].count("retention") == 1
    assert "90 jours" not in str(page.body.raw_data)
