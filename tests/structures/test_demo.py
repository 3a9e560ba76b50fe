"""The network's demo (structures/demo.py): the six structures the issue names, their places,
generic contacts and the demo accounts' roles, seeded without duplicates.

Only the site's share (its accounts) and the network's share are seeded, once for the module,
found as seed_demo finds them: the rest of the demo is not what these tests read.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.db import transaction

from structures.models import (
    Facilitator,
    LieuPage,
    Membership,
    NewsPage,
    Role,
    StructurePage,
    Vocabulary,
)
from structures.opening_hours import status, validate_opening_hours
from website.discovery import contributions
from website.models import HomePage
from website.search.deferred import indexing_deferred

# A Friday at 10:00 in Chambéry: the Piochet's drop-in is on.
FRIDAY_10H = datetime.datetime(2026, 10, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
SHARES = ("website.demo", "structures.demo")

# The range ARCEP reserves for fiction in the south-east (04 65 71 xx xx): no real line rings.
FICTION_PHONE = re.compile(r"04 65 71 \d\d \d\d")
# Role addresses at a reserved domain (RFC 2606), never firstname.lastname of a real person.
ROLE_EMAIL = re.compile(r"[a-z-]+@([a-z-]+\.)*example\.org")


def seed_network() -> None:
    """The site's and the network's demo, as seed_demo runs them (in INSTALLED_APPS order)."""
    home = HomePage.objects.get()
    with indexing_deferred():
        for module in contributions("demo"):
            if module.__name__ in SHARES:
                module.seed(home=home, log=lambda line: None)


@pytest.fixture(scope="module", autouse=True)
def network(django_db_setup, django_db_blocker):
    """Seeded once for the module, in a transaction rolled back after it (each test runs in a
    savepoint of it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(FRIDAY_10H, tick=False):
            seed_network()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def frozen_friday():
    with time_machine.travel(FRIDAY_10H, tick=False):
        yield


def structure(slug: str) -> StructurePage:
    return StructurePage.objects.get(slug=slug)


def test_the_six_structures_of_the_network_are_in_chambery_and_la_ravoire(db):
    structures = {page.slug: page for page in StructurePage.objects.live()}
    assert {slug: page.title for slug, page in structures.items()} == {
        "agate": "Agate — pôle numérique",
        "clef-chantemerle": "CLEF Chantemerle",
        "residence-les-epinettes": "Foyer résidence Les Epinettes",
        "ccas-la-ravoire": "CCAS de La Ravoire",
        "regie-coup-de-pouce": "Régie Coup de Pouce",
        "grand-chambery": "Grand Chambéry",
    }
    assert {page.commune for page in structures.values()} == {"Chambéry", "La Ravoire"}
    assert [term.code for term in structure("ccas-la-ravoire").terms_of(Vocabulary.TYPOLOGIE)] == [
        "CCAS"
    ]
    assert [term.code for term in structure("grand-chambery").terms_of(Vocabulary.TYPOLOGIE)] == [
        "EPCI"
    ]


def test_the_piochet_space_of_the_clef_holds_its_drop_in_on_friday_morning(db, frozen_friday):
    piochet = LieuPage.objects.live().get(slug="espace-numerique-du-piochet")
    assert piochet.get_parent().specific == structure("clef-chantemerle")
    assert "vendredi matin" in piochet.presentation_resume
    assert "Se présenter" in {term.code for term in piochet.terms.all()}  # no appointment
    opening = status(piochet.horaires)
    assert opening.is_open
    assert opening.label == "Ouvert maintenant — ferme à 12 h"


def test_every_place_is_under_its_structure_with_hours_that_parse_and_open_some_day(
    db, frozen_friday
):
    places = {lieu.slug: lieu for lieu in LieuPage.objects.live()}
    assert {slug: lieu.get_parent().slug for slug, lieu in places.items()} == {
        "espace-numerique-du-piochet": "clef-chantemerle",
        "espace-numerique-des-epinettes": "residence-les-epinettes",
        "accueil-numerique-du-ccas": "ccas-la-ravoire",
        "point-numerique-de-la-regie": "regie-coup-de-pouce",
    }
    for lieu in places.values():
        validate_opening_hours(lieu.horaires)
        assert status(lieu.horaires).next_change is not None, lieu.title
        assert lieu.commune in {"Chambéry", "La Ravoire"}
        assert lieu.terms_of(Vocabulary.SERVICES), lieu.title


def test_contacts_are_generic_role_addresses_and_fictional_phone_numbers(db):
    pages = [*StructurePage.objects.all(), *LieuPage.objects.all()]
    phones = [page.telephone for page in pages if page.telephone]
    emails = [page.courriel for page in pages if page.courriel]
    assert len(phones) >= 6 and len(emails) >= 6
    assert all(FICTION_PHONE.fullmatch(phone) for phone in phones), phones
    assert all(ROLE_EMAIL.fullmatch(email) for email in emails), emails
    accounts = get_user_model().objects.filter(username__in=["editrice", "participant"])
    assert all(ROLE_EMAIL.fullmatch(user.email) for user in accounts)


def test_demo_accounts_are_an_editor_a_member_and_a_facilitator_with_their_rights(db):
    users = get_user_model().objects.in_bulk(
        ["editrice", "participant", "animatrice"], field_name="username"
    )
    assert set(Membership.objects.values_list("user__username", "structure__slug", "role")) == {
        ("editrice", "clef-chantemerle", Role.EDITOR),
        ("participant", "regie-coup-de-pouce", Role.MEMBER),
    }
    assert Facilitator.objects.filter(user=users["animatrice"]).exists()
    clef, regie = structure("clef-chantemerle"), structure("regie-coup-de-pouce")
    # Rights follow the memberships: the editor edits her structure only, the member none.
    assert clef.permissions_for_user(users["editrice"]).can_edit()
    assert not regie.permissions_for_user(users["editrice"]).can_edit()
    assert not regie.permissions_for_user(users["participant"]).can_edit()


def test_seeding_the_network_again_duplicates_nothing(db, frozen_friday):
    def counts():
        return [
            model.objects.count()
            for model in (StructurePage, LieuPage, NewsPage, Membership, Facilitator)
        ]

    before = counts()
    assert before == [6, 4, 2, 2, 1]
    seed_network()
    assert counts() == before
