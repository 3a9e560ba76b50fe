"""The wiki's demo content, as seed_demo builds it (twice: nothing is duplicated)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from wagtail.models import Revision

from ressources.models import Comment, RessourcePage
from tests.clients import signed_in, text

PARIS = ZoneInfo("Europe/Paris")


DEMO_CLOCK = datetime(2026, 10, 19, 8, 0, tzinfo=PARIS)


@pytest.fixture
def demo(seeded_demo, home, settings):
    settings.RELAIS_DEMO_ENABLED = True
    with time_machine.travel(DEMO_CLOCK, tick=False):
        yield


def test_seeding_again_duplicates_nothing_and_keeps_a_participants_change(demo):
    page = RessourcePage.objects.get(slug="trouver-des-benevoles")
    page.summary = "Revu par une participante."
    page.related_methods = []
    page.save_revision().publish()
    counts = (RessourcePage.objects.count(), Comment.objects.count(), Revision.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (RessourcePage.objects.count(), Comment.objects.count(), Revision.objects.count()) == (
        counts
    )
    page = RessourcePage.objects.get(pk=page.pk)
    assert page.summary == "Revu par une participante." and page.related_bilans.exists()
    assert not page.related_methods.exists()


def test_the_demo_wiki_is_tagged_cross_linked_and_discussed(demo, client):
    pages = {page.slug: page for page in RessourcePage.objects.live()}
    assert len(pages) == 6
    assert pages["organiser-les-demandes-d-appareils"].get_parent().slug == (
        "ordinateurs-reconditionnes-un-partenariat"
    )
    assert all(page.tags.exists() and page.themes.exists() for page in pages.values())

    orienting = text(client.get(pages["reorienter-une-demande"].url))
    assert f'href="{pages["ce-qui-fait-qu-une-orientation-marche"].url}"' in orienting
    assert 'href="/espaces-numeriques/"' in orienting  # the directory, in "Voir aussi"
    assert "Journée bilan du Transistor" in orienting  # the review day, chosen after bilans

    volunteers = text(client.get(pages["trouver-des-benevoles"].url))
    assert '<h2 id="related-methods">Méthodes liées</h2>' in volunteers
    assert "Accélérateur de projet" in volunteers
    assert "Relisez la fiche de mission" in volunteers

    questions = Comment.objects.filter(is_question=True, answered_at__isnull=True)
    assert questions.count() == 1 and Comment.objects.count() == 4
    assert Comment.objects.filter(parent__isnull=False).count() == 1
    home = text(client.get("/ressources/"))
    assert "Quelqu'un connaît-il une association" in home  # the open question


def test_the_demo_history_has_versions_by_people_to_compare(demo, client):
    page = RessourcePage.objects.get(slug="faire-connaitre-un-espace-numerique")
    history = text(client.get(f"{page.url}historique/"))
    assert "Dominique" in history and "Camille" in history
    assert "ancien membre" not in history
    assert page.revisions.count() == 3  # written, cross-linked, then linked to its method


def test_the_demo_participant_finds_the_wiki_in_my_space(demo):
    participant = get_user_model().objects.get(username="participant")
    page = text(signed_in(participant).get(reverse("my_space")))
    assert "Mes questions en attente de réponse" in page
    assert "Quelqu'un connaît-il une association" in page
