"""Two people updating the same action's status: the one whose page showed an older status is
told what it has become, and their choice does not silently replace the other's."""

import pytest

from bilans.factories import ActionFactory
from bilans.models import Action, Status
from tests.clients import signed_in, text

pytestmark = pytest.mark.django_db

CONFLICT = "Une autre personne vient de changer l'état de l'action"


@pytest.fixture
def action(structures):
    return ActionFactory(bilan=None, structure=structures["clef"], description="Relancer l'affiche")


def status_url(index, action) -> str:
    return f"{index.url}actions/{action.pk}/statut/"


def test_the_board_form_says_which_status_the_person_saw(index, people, action):
    board = text(signed_in(people["member"]).get(f"{index.url}actions/structure/clef/"))
    assert 'name="seen" value="a_faire"' in board


def test_a_choice_made_on_a_page_showing_an_older_status_is_refused_and_explained(
    index, people, action
):
    member, facilitator = signed_in(people["member"]), signed_in(people["facilitator"])
    facilitator.post(status_url(index, action), {"status": Status.DONE, "seen": Status.TODO})

    late = member.post(
        status_url(index, action), {"status": Status.ABANDONED, "seen": Status.TODO}, follow=True
    )

    assert CONFLICT in text(late) and "il est maintenant « faite »" in text(late)
    action = Action.objects.get(pk=action.pk)
    assert (action.status, action.status_changed_by) == (Status.DONE, people["facilitator"])


def test_two_people_choosing_the_same_status_is_no_conflict(index, people, action):
    member, facilitator = signed_in(people["member"]), signed_in(people["facilitator"])
    facilitator.post(status_url(index, action), {"status": Status.DONE, "seen": Status.TODO})

    same = member.post(
        status_url(index, action), {"status": Status.DONE, "seen": Status.TODO}, follow=True
    )

    assert CONFLICT not in text(same)
    assert Action.objects.get(pk=action.pk).status_changed_by == people["facilitator"]


@pytest.mark.parametrize("seen", ["<script>", "x" * 13, "faite\x00"])
def test_a_tampered_seen_status_saves_nothing(index, people, action, seen):
    response = signed_in(people["member"]).post(
        status_url(index, action), {"status": Status.DONE, "seen": seen}
    )
    assert response.status_code in (302, 400)
    assert Action.objects.get(pk=action.pk).status == Status.TODO
