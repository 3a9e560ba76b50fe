"""Two people saving the same event from the front end: the later save, made from a version
that is no longer the newest, is shown as a conflict and saves nothing; two moderators deciding
on the same proposal: the second is told, and the first decision stands.

(The wiki's resources are covered by tests/ressources/test_concurrent_editing.py: Wagtail's own
detection in its editor, with both versions kept in the history.)
"""

import threading

import pytest

from django.core import mail

from agenda import moderation
from agenda.factories import EventPageFactory
from agenda.models import EventPage, EventProposal, ProposalStatus, Status
from structures.factories import StructurePageFactory
from structures.models import Role, StructureIndexPage
from tests.agenda.test_proposals import form_data, person
from tests.clients import signed_in, text
from tests.databases import scratch_database, template_database, using

pytestmark = pytest.mark.django_db

CONFLICT = "Quelqu'un a enregistré une autre version de cet événement"


def editor(username: str, structure):
    return person(username, structure=structure, role=Role.EDITOR)


@pytest.fixture
def event(structure):
    page = EventPageFactory(parent=structure, title="Permanence du vendredi", slug="permanence")
    page.save_revision().publish()
    return EventPage.objects.get(pk=page.pk)


def edit_url(event) -> str:
    return f"/evenements/{event.pk}/modifier/"


def opened(client, event, **changes) -> dict:
    """The edit form as the browser got it, with the person's changes, ready to send."""
    form = client.get(edit_url(event)).context["form"]
    return form_data(
        status=Status.SCHEDULED, loaded_revision=form["loaded_revision"].value(), **changes
    )


def redrawn(response, **changes) -> dict:
    """The form drawn again after a conflict, sent back as it is, with the person's changes."""
    return form_data(
        status=Status.SCHEDULED,
        loaded_revision=response.context["form"]["loaded_revision"].value(),
        **changes,
    )


def test_a_save_from_a_form_someone_else_saved_over_is_a_conflict_that_saves_nothing(
    structure, event
):
    camille, dominique = editor("camille", structure), editor("dominique", structure)
    first, second = signed_in(camille), signed_in(dominique)
    first_form = opened(first, event, title="Permanence de Camille")
    second_form = opened(second, event, title="Permanence de Dominique")

    saved = first.post(edit_url(event), first_form)
    assert saved.status_code == 302
    revisions = event.revisions.count()

    refused = second.post(edit_url(event), second_form)

    assert refused.status_code == 409
    page = text(refused)
    assert CONFLICT in page and "Permanence de Dominique" in page
    assert event.revisions.count() == revisions
    assert EventPage.objects.get(pk=event.pk).title == "Permanence de Camille"
    # Sent again knowingly, from the newest version, the change is saved.
    again = second.post(edit_url(event), redrawn(refused, title="Permanence de Dominique"))
    assert again.status_code == 302
    assert EventPage.objects.get(pk=event.pk).title == "Permanence de Dominique"


def test_a_change_in_the_admin_meanwhile_is_a_conflict_for_the_front_end_form(structure, event):
    camille = editor("camille", structure)
    client = signed_in(camille)
    form = opened(client, event, title="Autre titre")
    EventPage.objects.get(pk=event.pk).save_revision(user=camille)

    refused = client.post(edit_url(event), form)

    assert refused.status_code == 409 and CONFLICT in text(refused)


@pytest.mark.parametrize("loaded", ["abc", "-1", "1" * 20, "1\x00", "９"])
def test_a_tampered_version_field_saves_nothing_and_says_why_in_french(structure, event, loaded):
    client = signed_in(editor("camille", structure))
    form = opened(client, event, title="Titre forcé") | {"loaded_revision": loaded}
    revisions = event.revisions.count()

    response = client.post(edit_url(event), form)

    # A control character is refused before the form by the site's guard (400).
    assert response.status_code in (200, 409) if "\x00" not in loaded else 400
    if response.status_code != 400:
        assert CONFLICT in text(response)
    assert event.revisions.count() == revisions
    assert EventPage.objects.get(pk=event.pk).title == "Permanence du vendredi"


@pytest.fixture(scope="module")
def template(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), template_database(tmp_path_factory.mktemp("db")) as database:
        yield database


def test_two_saves_at_the_same_instant_from_the_same_version_keep_one_and_refuse_the_other(
    template, tmp_path, django_db_blocker
):
    """Two threads, each with its own connection to a database on disk, released together by
    a barrier, save from the same version through the service the form uses: one is saved,
    the other is a conflict, and the newest version is the saved one, whole."""
    with django_db_blocker.unblock(), scratch_database(tmp_path, template) as database:
        structure = StructurePageFactory(parent=StructureIndexPage.objects.get(), slug="clef")
        camille = editor("camille", structure)
        event = EventPageFactory(parent=structure, title="Permanence", slug="permanence")
        revision = event.save_revision(user=camille)
        revision.publish(user=camille)
        loaded, revisions = revision.pk, event.revisions.count()
        barrier = threading.Barrier(2)
        outcomes = {}

        def save(title: str) -> None:
            with using(database):
                page = EventPage.objects.get(pk=event.pk)
                page.title, page.summary = title, f"Résumé de {title}"
                barrier.wait(timeout=30)
                try:
                    moderation.save_event(
                        page=page, parent=None, user=camille, loaded_revision=loaded
                    )
                    outcomes[title] = "enregistrée"
                except moderation.EditConflict:
                    outcomes[title] = "conflit"
                except Exception as error:  # noqa: BLE001 (shown by the assertion below)
                    outcomes[title] = repr(error)

        threads = [threading.Thread(target=save, args=(name,)) for name in ("Camille", "Dominique")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(outcomes.values()) == ["conflit", "enregistrée"]
        winner = next(title for title, outcome in outcomes.items() if outcome == "enregistrée")
        newest = EventPage.objects.get(pk=event.pk)
        assert (newest.title, newest.summary) == (winner, f"Résumé de {winner}")
        assert newest.revisions.count() == revisions + 1


def test_the_second_of_two_moderators_is_told_the_proposal_was_already_decided(
    structure, event, django_capture_on_commit_callbacks
):
    member = person("membre", structure=structure)
    first, second = editor("editrice", structure), editor("editeur", structure)
    member_client = signed_in(member)
    proposed = member_client.post(
        edit_url(event), opened(member_client, event, title="Permanence déplacée")
    )
    assert proposed.status_code == 302
    review = f"/evenements/moderation/{event.pk}/"
    first_client, second_client = signed_in(first), signed_in(second)
    assert first_client.get(review).status_code == second_client.get(review).status_code == 200
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first_client.post(review, {"action": "approve", "comment": ""})
        late = second_client.post(
            review, {"action": "refuse", "comment": "Pas cette semaine."}, follow=True
        )

    assert "vient d'être traitée par une autre personne" in text(late)
    proposal = EventProposal.objects.get(event=event)
    assert proposal.status == ProposalStatus.APPROVED and proposal.moderated_by == first
    assert EventPage.objects.get(pk=event.pk).title == "Permanence déplacée"
    assert len(mail.outbox) == 1 and "Pas cette semaine" not in mail.outbox[0].body
