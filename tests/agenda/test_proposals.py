"""Proposing, changing and moderating events from the front end: members, editors, visitors,
facilitators, and the moderation's three outcomes (approve, ask for changes, refuse)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from wagtail.models import Site, WorkflowState

from agenda.factories import EventPageFactory
from agenda.models import (
    AgendaPage,
    AgendaSettings,
    EventPage,
    EventProposal,
    Occurrence,
    ProposalStatus,
    Status,
)
from structures.factories import StructurePageFactory
from structures.models import Facilitator, Membership, Role, StructureIndexPage
from tests.clients import signed_in, text
from website.privacy_services import delete_account

PASSWORD = "un mot de passe solide"
PARIS = ZoneInfo("Europe/Paris")


def person(username: str, *, structure=None, role=Role.MEMBER, facilitator=False):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name=username.capitalize()
    )
    if structure is not None:
        Membership.objects.create(user=user, structure=structure, role=role)
    if facilitator:
        Facilitator.objects.create(user=user)
    return user


@pytest.fixture
def other(structure):
    return StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Régie Coup de Pouce", slug="regie"
    )


@pytest.fixture
def people(structure, other):
    return {
        "membre": person("membre", structure=structure),
        "editrice": person("editrice", structure=structure, role=Role.EDITOR),
        "autre_editeur": person("autre", structure=other, role=Role.EDITOR),
        "animatrice": person("animatrice", facilitator=True),
    }


def form_data(**overrides) -> dict:
    data = {
        "title": "Atelier smartphone",
        "summary": "Prendre en main son téléphone",
        "category": "atelier",
        "start": "2026-10-30T09:00",
        "end": "2026-10-30T12:00",
        "recurrence": "",
        "exceptions": "",
        "mode": "sur_place",
        "place": "",
        "address": "12 rue des Lilas, Chambéry",
        "online_url": "",
        "accessibility": "",
        "registration_url": "",
        "registration_phone": "",
        "registration_email": "",
        "description": "Apportez votre téléphone.",
        "tags": "smartphone, débutants",
    }
    return data | overrides


def propose(client, structure=None, **overrides):
    data = form_data(**overrides)
    if structure is not None:
        data["structure"] = structure.pk
    return client.post("/evenements/proposer/", data)


def decide(client, event, action, comment=""):
    return client.post(
        f"/evenements/moderation/{event.pk}/", {"action": action, "comment": comment}
    )


# --- Proposing ------------------------------------------------------------------------------


def test_a_member_proposes_a_draft_that_waits_and_moderators_are_told(
    people, structure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(signed_in(people["membre"]), structure)

    assert response.status_code == 302
    assert response["Location"] == "/evenements/mes-evenements/"
    event = EventPage.objects.get(title="Atelier smartphone")
    assert event.get_parent().pk == structure.pk
    assert not event.live
    assert event.owner == people["membre"]
    assert event.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    proposal = EventProposal.objects.get(event=event)
    assert (proposal.proposer, proposal.status, proposal.email) == (
        people["membre"],
        ProposalStatus.PENDING,
        "",
    )
    assert not Occurrence.objects.filter(event=event).exists()
    told = sorted(address for message in mail.outbox for address in message.to)
    # The structure's editor and the facilitator; not the author, not another structure's editor.
    assert told == ["animatrice@example.org", "editrice@example.org"]
    assert "/evenements/moderation/" in mail.outbox[0].body


def test_an_editor_publishes_their_structures_event_at_once(people, structure):
    response = propose(signed_in(people["editrice"]), structure, recurrence="FREQ=WEEKLY;BYDAY=FR")

    event = EventPage.objects.get(title="Atelier smartphone")
    assert response["Location"] == event.url
    assert event.live
    assert event.current_workflow_state is None
    assert not EventProposal.objects.exists()
    assert Occurrence.objects.filter(event=event).count() > 20
    assert [block.block_type for block in event.body] == ["paragraph"]
    assert sorted(tag.name for tag in event.tags.all()) == ["débutants", "smartphone"]


def test_a_member_only_chooses_among_their_own_structures(people, structure, other):
    client = signed_in(people["membre"])
    page = text(client.get("/evenements/proposer/"))
    assert "CLEF Chantemerle" in page
    assert "Régie Coup de Pouce" not in page

    response = propose(client, other)

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text(response)
    assert not EventPage.objects.filter(title="Atelier smartphone").exists()


def test_a_facilitator_may_announce_a_network_event_under_the_agenda(people, structure):
    response = propose(signed_in(people["animatrice"]), None)

    event = EventPage.objects.get(title="Atelier smartphone")
    assert event.get_parent().specific_class is AgendaPage
    assert event.live
    assert response["Location"] == event.url


def test_a_visitor_proposes_with_an_address_kept_for_the_answer(
    people, structure, django_capture_on_commit_callbacks
):
    client = Client(HTTP_HOST="localhost")
    page = text(client.get("/evenements/proposer/"))
    assert "Votre courriel" in page
    assert 'name="structure"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = propose(client, None, email="Voisine@Example.org")

    assert response.status_code == 302
    event = EventPage.objects.get(title="Atelier smartphone")
    assert event.get_parent().specific_class is AgendaPage
    assert not event.live
    assert event.owner is None
    proposal = EventProposal.objects.get(event=event)
    assert proposal.proposer is None
    assert proposal.email.lower() == "voisine@example.org"
    # Only the facilitators moderate network-wide proposals.
    assert [message.to for message in mail.outbox] == [["animatrice@example.org"]]


def test_a_visitor_must_leave_an_address(structure):
    response = propose(Client(HTTP_HOST="localhost"), None)
    assert response.status_code == 200
    assert "Votre courriel" in text(response)
    assert "Champ requis" in text(response)
    assert not EventPage.objects.filter(title="Atelier smartphone").exists()


def test_the_network_can_close_proposals_to_visitors(people, structure, home):
    settings = AgendaSettings.for_site(Site.objects.get(is_default_site=True))
    settings.visitors_can_propose = False
    settings.save()

    refused = propose(Client(HTTP_HOST="localhost"), None, email="voisine@example.org")
    member = propose(signed_in(people["membre"]), structure)

    assert refused.status_code == 403
    assert "réservées pour l'instant aux membres" in text(refused)
    assert EventPage.objects.filter(title="Atelier smartphone").count() == 1
    assert member.status_code == 302


def test_the_honeypot_refuses_robots(structure):
    response = propose(Client(HTTP_HOST="localhost"), None, email="a@example.org", site_web="x")
    assert response.status_code == 400
    assert not EventPage.objects.exists()


# --- Moderation -----------------------------------------------------------------------------


@pytest.fixture
def proposed(people, structure):
    propose(signed_in(people["membre"]), structure)
    return EventPage.objects.get(title="Atelier smartphone")


def test_the_queue_shows_each_moderator_what_is_theirs(people, proposed):
    for who, sees in [("editrice", True), ("animatrice", True), ("autre_editeur", False)]:
        page = text(signed_in(people[who]).get("/evenements/moderation/"))
        assert ("Atelier smartphone" in page) is sees, who
    assert signed_in(people["membre"]).get("/evenements/moderation/").status_code == 403
    assert Client(HTTP_HOST="localhost").get("/evenements/moderation/").status_code == 302


def test_approving_publishes_and_tells_the_proposer(
    people, proposed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(signed_in(people["editrice"]), proposed, "approve")

    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.live
    assert Occurrence.objects.filter(event=proposed).count() == 1
    proposal = EventProposal.objects.get(event=proposed)
    assert (proposal.status, proposal.moderated_by) == (ProposalStatus.APPROVED, people["editrice"])
    assert [message.to for message in mail.outbox] == [["membre@example.org"]]
    assert "est publié" in mail.outbox[0].subject
    assert proposed.full_url in mail.outbox[0].body


def test_asking_for_changes_needs_a_message_and_sends_it(
    people, proposed, django_capture_on_commit_callbacks
):
    editor = signed_in(people["editrice"])
    empty = decide(editor, proposed, "reject")
    assert empty.status_code == 200
    assert "Écrivez un message" in text(empty)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(editor, proposed, "reject", "Précisez l'adresse, s'il vous plaît.")

    proposed.refresh_from_db()
    assert not proposed.live
    assert proposed.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert EventProposal.objects.get(event=proposed).status == ProposalStatus.CHANGES_REQUESTED
    body = mail.outbox[0].body
    assert "Précisez l'adresse, s'il vous plaît." in body
    assert f"/evenements/{proposed.pk}/modifier/" in body

    # The member corrects it: the same proposal waits again, with the new version.
    member = signed_in(people["membre"])
    response = member.post(
        f"/evenements/{proposed.pk}/modifier/",
        form_data(address="3 place du Marché, Chambéry", status="programme"),
    )
    assert response.status_code == 302
    proposal = EventProposal.objects.get(event=proposed)
    assert proposal.status == ProposalStatus.PENDING
    proposed.refresh_from_db()
    assert proposed.get_latest_revision_as_object().address == "3 place du Marché, Chambéry"
    decide(editor, proposed, "approve")
    proposed.refresh_from_db()
    assert proposed.live and proposed.address == "3 place du Marché, Chambéry"


def test_refusing_with_a_message_ends_the_proposal(
    people, proposed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(signed_in(people["animatrice"]), proposed, "refuse", "Hors du territoire.")

    proposed.refresh_from_db()
    assert not proposed.live
    assert proposed.current_workflow_state is None
    assert WorkflowState.objects.get(object_id=str(proposed.pk)).status == "cancelled"
    proposal = EventProposal.objects.get(event=proposed)
    assert (proposal.status, proposal.message) == (ProposalStatus.REFUSED, "Hors du territoire.")
    assert "n'a pas été retenue" in mail.outbox[0].subject
    assert "Hors du territoire." in mail.outbox[0].body
    assert "Rien n'attend" in text(signed_in(people["editrice"]).get("/evenements/moderation/"))


def test_refusing_from_the_admin_asks_for_the_message_too(people, proposed):
    editor = signed_in(people["editrice"])
    url = f"/admin/pages/{proposed.pk}/edit/"
    task_state = proposed.current_workflow_state.current_task_state
    action_url = f"/admin/pages/workflow/action/{proposed.pk}/refuse/{task_state.pk}/"

    assert editor.get(url).status_code == 200
    editor.post(action_url, {"comment": ""})
    assert EventProposal.objects.get(event=proposed).status == ProposalStatus.PENDING
    assert proposed.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    editor.post(action_url, {"comment": "Doublon avec l'atelier du mardi."})

    proposal = EventProposal.objects.get(event=proposed)
    assert (proposal.status, proposal.message) == (
        ProposalStatus.REFUSED,
        "Doublon avec l'atelier du mardi.",
    )


def test_nobody_moderates_outside_their_structure(people, proposed):
    for who in ("autre_editeur", "membre"):
        response = decide(signed_in(people[who]), proposed, "approve")
        assert response.status_code == 404, who
    proposed.refresh_from_db()
    assert not proposed.live
    assert EventProposal.objects.get(event=proposed).status == ProposalStatus.PENDING


# --- Changing a published event -------------------------------------------------------------


@pytest.fixture
def published(structure):
    return EventPageFactory(parent=structure, title="Permanence du vendredi", slug="permanence")


def test_a_members_change_never_publishes_without_moderation(people, published):
    member = signed_in(people["membre"])
    page = text(member.get(f"/evenements/{published.pk}/modifier/"))
    assert "Permanence du vendredi" in page

    response = member.post(
        f"/evenements/{published.pk}/modifier/",
        form_data(title="Permanence du vendredi", status=Status.CANCELLED),
    )

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.live and published.status == Status.SCHEDULED
    assert published.has_unpublished_changes
    assert published.get_latest_revision_as_object().status == Status.CANCELLED
    proposal = EventProposal.objects.get(event=published)
    assert not proposal.is_new
    decide(signed_in(people["editrice"]), published, "approve")
    published.refresh_from_db()
    assert published.status == Status.CANCELLED
    assert Occurrence.objects.get(event=published).cancelled


def test_members_of_one_structure_cannot_touch_anothers_events(people, published, other):
    outsider = person("dehors", structure=other)
    for user in (outsider, people["autre_editeur"]):
        client = signed_in(user)
        assert client.get(f"/evenements/{published.pk}/modifier/").status_code == 404
        response = client.post(
            f"/evenements/{published.pk}/modifier/", form_data(status=Status.CANCELLED)
        )
        assert response.status_code == 404
    published.refresh_from_db()
    assert not published.has_unpublished_changes
    assert not EventProposal.objects.exists()


def test_an_event_cannot_be_changed_by_a_visitor(published):
    response = Client(HTTP_HOST="localhost").get(f"/evenements/{published.pk}/modifier/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_my_events_lists_my_proposals_and_my_structures_events(people, proposed, published):
    page = text(signed_in(people["membre"]).get("/evenements/mes-evenements/"))
    assert "Atelier smartphone" in page
    assert "En attente de modération" in page
    assert f"/evenements/{published.pk}/modifier/" in page


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "x" * 10_000}, "title", "au plus 255 caractères"),
        ({"end": "2026-10-30T08:00"}, "end", "La fin doit venir après le début."),
        ({"start": "1900-01-05T09:00", "end": "1900-01-05T10:00"}, "start", "trop ancienne"),
        ({"recurrence": "FREQ=DAILY;BYHOUR=1,2,3,4,5,6,7,8,9,10,11"}, "recurrence", "deux ans"),
        ({"recurrence": "FREQ=SECONDLY"}, "recurrence", "quotidienne, hebdomadaire"),
        ({"start": "pas une date"}, "start", "Saisissez une date et une heure valides"),
        ({"exceptions": "le 3 mai"}, "exceptions", "illisible"),
        ({"summary": "y" * 201}, "summary", "au plus 200 caractères"),
        ({"tags": "a" * 60}, "tags", "au plus 50 caractères"),
        ({"mode": "en_ligne"}, "online_url", "Indiquez le lien"),
        ({"registration_url": "javascript:alert(1)"}, "registration_url", "URL valide"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(
    people, structure, overrides, field, message
):
    response = propose(signed_in(people["editrice"]), structure, **overrides)

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if message:
        assert message in " ".join(form.errors[field])
    assert "Ce que vous avez saisi est conservé" in text(response)
    assert form.data["summary"] == form_data(**overrides)["summary"]
    assert not EventPage.objects.filter(title="Atelier smartphone").exists()


def test_markup_in_any_field_is_text_everywhere(people, structure, client):
    script = "<script>alert('x')</script>"
    propose(
        signed_in(people["editrice"]),
        structure,
        title=f"Atelier {script}",
        summary=script,
        description=f"{script}\n\n<b>gras</b>",
        accessibility=script,
        tags=script[:40],
    )
    event = EventPage.objects.get(summary=script)

    page = client.get(event.url).content.decode()
    feed = client.get(f"/agenda/ics/structure/{structure.slug}/").content.decode()

    assert script not in page
    assert "&lt;script&gt;" in page
    assert "<b>gras</b>" not in page
    assert "SUMMARY:Atelier <script>alert('x')</script>" in feed  # text, as RFC 5545 wants


def test_an_endless_weekly_rule_is_bounded_by_the_horizon(people, structure):
    propose(signed_in(people["editrice"]), structure, recurrence="FREQ=WEEKLY;BYDAY=FR")
    event = EventPage.objects.get(title="Atelier smartphone")
    # Eighteen months ahead at most.
    assert 70 < Occurrence.objects.filter(event=event).count() < 80


# --- Personal data --------------------------------------------------------------------------


def test_visitor_addresses_are_erased_90_days_after_moderation(people, structure, frozen):
    propose(Client(HTTP_HOST="localhost"), None, email="voisine@example.org")
    event = EventPage.objects.get(title="Atelier smartphone")
    decide(signed_in(people["animatrice"]), event, "approve")

    with time_machine.travel(frozen + timedelta(days=89), tick=False):
        call_command("purge_proposals", verbosity=0)
    assert EventProposal.objects.get().email == "voisine@example.org"
    with time_machine.travel(frozen + timedelta(days=91), tick=False):
        call_command("purge_proposals", verbosity=0)
    assert EventProposal.objects.get().email == ""


def test_my_space_shows_my_proposals_and_what_waits_for_me(people, proposed):
    member_page = text(signed_in(people["membre"]).get("/compte/mon-espace/"))
    editor_page = text(signed_in(people["editrice"]).get("/compte/mon-espace/"))

    assert "Atelier smartphone — En attente de modération" in member_page
    assert "attend votre modération" not in member_page
    assert "1 proposition d'événement attend votre modération" in editor_page
    assert 'href="/evenements/moderation/"' in editor_page


def test_my_data_export_includes_my_proposals(people, proposed):
    response = signed_in(people["membre"]).get("/compte/mon-espace/mes-donnees.json")
    proposals = response.json()["agenda"]["event_proposals"]
    assert [(item["event"], item["status"], item["new_event"]) for item in proposals] == [
        ("Atelier smartphone", "en_attente", True)
    ]


def test_an_editor_who_corrects_a_proposal_publishes_it_and_the_proposer_is_told(
    people, proposed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(people["editrice"]).post(
            f"/evenements/{proposed.pk}/modifier/",
            form_data(title="Atelier smartphone (débutants)", status="programme"),
        )

    proposed.refresh_from_db()
    assert proposed.live and proposed.title == "Atelier smartphone (débutants)"
    assert proposed.current_workflow_state is None
    proposal = EventProposal.objects.get(event=proposed)
    assert (proposal.status, proposal.moderated_by) == (ProposalStatus.APPROVED, people["editrice"])
    assert [message.to for message in mail.outbox] == [["membre@example.org"]]


def test_an_error_is_announced_with_its_field(people, structure):
    html = text(propose(signed_in(people["editrice"]), structure, end="2026-10-30T08:00"))
    assert '<ul class="field__errors" id="id_end_error">' in html
    assert 'aria-invalid="true" aria-describedby="id_end_error" id="id_end"' in html


# --- One session of a series ----------------------------------------------------------------


@pytest.fixture
def weekly(structure):
    # Fridays 9 h–12 h from 23 October 2026.
    return EventPageFactory(
        parent=structure,
        title="Permanence du vendredi",
        slug="permanence",
        start=datetime(2026, 10, 23, 9, tzinfo=PARIS),
        end=datetime(2026, 10, 23, 12, tzinfo=PARIS),
        recurrence="FREQ=WEEKLY;BYDAY=FR",
    )


def series_data(**overrides) -> dict:
    return (
        form_data(
            title="Permanence du vendredi",
            start="2026-10-23T09:00",
            end="2026-10-23T12:00",
            recurrence="FREQ=WEEKLY;BYDAY=FR",
            status="programme",
        )
        | overrides
    )


def test_a_member_cancels_one_friday_and_it_waits_for_moderation(people, weekly):
    member = signed_in(people["membre"])
    response = member.post(
        f"/evenements/{weekly.pk}/modifier/",
        series_data(session_date="2026-11-06", session_change="annulee"),
    )
    assert response.status_code == 302
    assert not Occurrence.objects.get(event=weekly, start__date="2026-11-06").cancelled

    decide(signed_in(people["editrice"]), weekly, "approve")

    session = Occurrence.objects.get(event=weekly, original_start__date="2026-11-06")
    assert session.cancelled
    feed = Client(HTTP_HOST="localhost").get("/agenda/ics/structure/clef/").content.decode()
    assert "RECURRENCE-ID;TZID=Europe/Paris:20261106T090000" in feed


def test_an_editor_moves_one_friday_to_10h(people, weekly):
    signed_in(people["editrice"]).post(
        f"/evenements/{weekly.pk}/modifier/",
        series_data(
            session_date="2026-11-13",
            session_change="deplacee",
            session_start="2026-11-13T10:00",
            session_end="2026-11-13T12:00",
        ),
    )
    session = Occurrence.objects.get(event=weekly, original_start__date="2026-11-13")
    assert session.start == datetime(2026, 11, 13, 10, tzinfo=PARIS)
    assert session.overridden and not session.cancelled
    # The other Fridays keep 9 h.
    other = Occurrence.objects.get(event=weekly, original_start__date="2026-11-20")
    assert other.start.astimezone(PARIS).hour == 9


@pytest.mark.parametrize(
    ("session", "field", "message"),
    [
        (
            {"session_date": "2026-11-05", "session_change": "annulee"},
            "session_date",
            "pas de séance",
        ),
        ({"session_date": "2026-11-06"}, "session_change", "annulée ou déplacée"),
        ({"session_change": "annulee"}, "session_date", "Indiquez la date"),
        ({"session_date": "2026-11-06", "session_change": "deplacee"}, "session_start", "nouveau"),
        (
            {
                "session_date": "2026-11-06",
                "session_change": "deplacee",
                "session_start": "2026-11-06T10:00",
                "session_end": "2026-11-06T09:00",
            },
            "session_end",
            "après le début",
        ),
    ],
)
def test_a_session_change_must_make_sense(people, weekly, session, field, message):
    response = signed_in(people["editrice"]).post(
        f"/evenements/{weekly.pk}/modifier/", series_data(**session)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    weekly.refresh_from_db()
    assert not weekly.has_unpublished_changes


def test_single_events_have_no_session_section(people, published):
    page = text(signed_in(people["editrice"]).get(f"/evenements/{published.pk}/modifier/"))
    assert "Une séance de la série change" not in page


def test_a_deleted_member_s_proposal_reads_as_a_former_member_s_not_a_visitor_s(people, proposed):
    delete_account(user=people["membre"])
    page = text(signed_in(people["editrice"]).get("/evenements/moderation/"))
    assert "Atelier smartphone" in page
    assert "par ancien membre" in page and "par un visiteur" not in page
    proposal = EventProposal.objects.get(event=proposed)
    assert proposal.reply_to == ""  # nobody to write to any more
