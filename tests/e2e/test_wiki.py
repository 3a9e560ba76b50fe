"""A participant changes a resource in Wagtail's editor and publishes it; another sees the change
in the history's comparison and asks a question under it; the first finds the question in their
digest; the site's search finds the new words. The wiki home, the resource, its history and the
comparison pass the checks on a phone and a desktop."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Page

from ressources.factories import RessourcePageFactory
from ressources.following import follow, set_frequency
from ressources.models import Comment, Frequency, RessourceIndexPage
from structures.factories import StructurePageFactory
from structures.models import Membership, Role, StructureIndexPage
from tests.e2e.accounts import PASSWORD, log_in, log_out
from tests.e2e.conftest import AT_A_DESK

# A word of its own per screen: the search index lives for the whole test session.
NEW_WORD = {"phone": "pictogrammes", "desktop": "idéogrammes"}
QUESTION = "Où trouver des images libres de droits ?"


@pytest.fixture
def wiki(home):
    regie = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Régie Coup de Pouce", slug="regie"
    )
    users = get_user_model().objects
    people = {}
    for name in ("awa", "karim"):
        people[name] = users.create_user(f"{name}@example.org", f"{name}@example.org", PASSWORD)
        Membership.objects.create(user=people[name], structure=regie, role=Role.MEMBER)
    ressource = RessourcePageFactory(
        parent=RessourceIndexPage.objects.get(),
        title="Accueillir sans se comprendre",
        slug="accueillir-sans-se-comprendre",
        summary="Quand la personne parle peu le français, commencer par montrer.",
        body=[{"type": "paragraph", "value": "<p>Montrer l'écran, pas seulement expliquer.</p>"}],
    )
    ressource.tags.add("accueil")
    ressource.save_revision(user=people["awa"]).publish(user=people["awa"])
    follow(user=people["awa"], page=ressource)
    set_frequency(user=people["awa"], frequency=Frequency.DAILY)
    return {"ressource": ressource, **people}


def found_by_search(page, words: str) -> bool:
    return page.pk in {found.pk for found in Page.objects.live().search(words)}


@pytest.mark.search
@AT_A_DESK
def test_an_edit_is_compared_questioned_digested_and_found(visitor, wiki):
    ressource = wiki["ressource"]
    word = NEW_WORD[visitor.screen]
    new_words = f"avec des {word} imprimés"
    assert not found_by_search(ressource, word)

    # Karim reads the resource once: the site remembers the version he saw.
    page = log_in(visitor, "karim@example.org", ressource.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueillir sans se comprendre")
    log_out(visitor)

    # Awa changes the summary in Wagtail's editor and publishes.
    page = log_in(visitor, "awa@example.org", ressource.url)
    visitor.follow(page.get_by_role("link", name="Modifier", exact=True))
    page.locator("#id_summary").fill(f"Quand la personne parle peu le français, {new_words}.")
    page.locator("footer .w-dropdown__toggle").first.click()
    with page.expect_navigation(wait_until="load"):
        page.locator('footer button[name="action-publish"]').click()
    assert new_words in type(ressource).objects.get(pk=ressource.pk).summary
    assert found_by_search(ressource, word)
    log_out(visitor)

    # Karim is told it changed, reads the comparison from the history, and asks a question.
    page = log_in(visitor, "karim@example.org", ressource.url)
    expect(page.locator(".history-notice")).to_contain_text("modifiée depuis votre dernière visite")
    visitor.check("ressource")
    visitor.follow(page.get_by_role("link", name="Historique des versions"))
    expect(page.locator(".history-entry")).to_have_count(2)
    visitor.check("historique")
    visitor.follow(page.get_by_role("link", name="Comparer avec la version précédente").first)
    expect(page.locator("ins").first).to_contain_text(new_words)
    visitor.check("comparaison")

    visitor.open(ressource.url)
    page.get_by_role("textbox", name="Votre commentaire").fill(QUESTION)
    page.get_by_role("checkbox", name="C'est une question").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Publier").click()
    expect(page.locator(".comment").filter(has_text=QUESTION)).to_be_visible()
    assert Comment.objects.get(body=QUESTION).is_question

    visitor.open("/ressources/")
    expect(page.get_by_text(QUESTION)).to_be_visible()  # among the open questions
    visitor.check("accueil du wiki")

    # The next morning, Awa's daily digest carries the question, not her own edit.
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow.replace(hour=7, minute=0), tick=False):
        call_command("send_digests", verbosity=0)
    [digest] = [email for email in mail.outbox if email.to == ["awa@example.org"]]
    assert QUESTION in digest.body
    assert ressource.url in digest.body
    assert "karim" in digest.body.lower()
    visitor.assert_no_problems()
