"""Events in the permission matrix: the front-end routes (propose, change, moderate) and the
admin, for every role, on A's and B's events and on proposals waiting for moderation.

Members of A propose and change A's events, always through moderation; A's editors publish and
moderate A's; facilitators do it all; nobody gets anything on B through A; visitors only propose
to the network, moderated.
"""

import pytest

from django.test import Client
from django.urls import reverse

from wagtail.models import Page

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage, EventPage, EventProposal, ProposalStatus
from agenda.moderation import save_event
from tests.permissions import ROLES, build_network, mismatches, module_network

STRUCTURE_TARGETS = {"evenement_A": "A", "brouillon_A": "A", "evenement_B": "B"}
TARGETS = [*STRUCTURE_TARGETS, "proposition_reseau"]
EDITORS = {"A": {"editeur_A"}, "B": {"editeur_B"}}
MEMBERS = {"A": {"membre_A", "editeur_A"}, "B": {"editeur_B"}}
EVERYWHERE = {"animateur", "admin"}


def event_data(**overrides) -> dict:
    return {
        "title": "Nouvel atelier de la matrice",
        "summary": "Un atelier",
        "category": "atelier",
        "start": "2026-12-04T09:00",
        "end": "2026-12-04T12:00",
        "mode": "sur_place",
        "address": "1 rue de la Paix",
        "email": "voisin@example.org",
        "status": "annule",
    } | overrides


def _structure_of(page: Page):
    parent = page.get_parent().specific
    return None if isinstance(parent, AgendaPage) else parent


def propose_here(client: Client, page: Page) -> bool:
    """Propose an event for the target's structure (or the network): is it saved at all?"""
    structure = _structure_of(page)
    data = event_data() | ({"structure": structure.pk} if structure else {})
    client.post(reverse("agenda_propose"), data)
    return _new_event(structure).exists()


def _new_event(structure):
    events = EventPage.objects.filter(title="Nouvel atelier de la matrice")
    if structure is None:
        return events.child_of(AgendaPage.objects.get())
    return events.descendant_of(structure)


def publish_new_here(client: Client, page: Page) -> bool:
    propose_here(client, page)
    return _new_event(_structure_of(page)).filter(live=True).exists()


def change(client: Client, page: Page) -> bool:
    """Send a change (cancel the event): is a new version saved, moderated or not?"""
    before = page.latest_revision_id
    client.post(reverse("agenda_event_edit", args=[page.pk]), event_data(title=page.title))
    return Page.objects.get(pk=page.pk).latest_revision_id != before


def change_live(client: Client, page: Page) -> bool:
    """Does a change reach the live page without moderation?"""
    client.post(reverse("agenda_event_edit", args=[page.pk]), event_data(title=page.title))
    event = EventPage.objects.get(pk=page.pk)
    return event.live and event.status == "annule"


def approve(client: Client, page: Page) -> bool:
    client.post(reverse("agenda_moderation_review", args=[page.pk]), {"action": "approve"})
    approved = EventProposal.objects.filter(event=page, status=ProposalStatus.APPROVED)
    return approved.exists() and EventPage.objects.get(pk=page.pk).live


def refuse(client: Client, page: Page) -> bool:
    client.post(
        reverse("agenda_moderation_review", args=[page.pk]),
        {"action": "refuse", "comment": "Non."},
    )
    return EventProposal.objects.filter(event=page, status=ProposalStatus.REFUSED).exists()


def see_in_queue(client: Client, page: Page) -> bool:
    response = client.get(reverse("agenda_moderation"))
    return response.status_code == 200 and page.title in response.content.decode()


def open_editor(client: Client, page: Page) -> bool:
    return client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


ACTIONS = {
    "proposer un événement": propose_here,
    "publier un nouvel événement sans modération": publish_new_here,
    "modifier (site)": change,
    "modifier sans modération": change_live,
    "approuver": approve,
    "refuser": refuse,
    "voir dans la file de modération": see_in_queue,
    "ouvrir l'éditeur de l'admin": open_editor,
}
PENDING = {"brouillon_A", "proposition_reseau"}


def rule(role: str, action: str, target: str, network) -> bool:
    owner = STRUCTURE_TARGETS.get(target)  # None: the network (under the agenda)
    editors = EVERYWHERE | (EDITORS[owner] if owner else set())
    members = EVERYWHERE | (MEMBERS[owner] if owner else set())
    if action == "proposer un événement":
        if owner is None:
            # Visitors and accounts without a structure propose to the network; a member of a
            # structure always proposes for one of theirs.
            return (
                role in {"anonyme", "compte_desactive", "ancien_editeur_A", "invite_A"} | EVERYWHERE
            )
        return role in members
    if action == "publier un nouvel événement sans modération":
        return role in editors
    if action == "modifier (site)":
        return role in members
    if action == "modifier sans modération":
        # An editor who changes a waiting proposal approves it by publishing.
        return role in editors
    if action in ("approuver", "refuser", "voir dans la file de modération"):
        return target in PENDING and role in editors
    if action == "ouvrir l'éditeur de l'admin":
        # Page permissions: editors on their structure, facilitators on the agenda; and a
        # moderator while a proposal waits for them.
        if role == "admin" or role in (EDITORS[owner] if owner else set()):
            return True
        return role == "animateur" and (owner is None or target in PENDING)
    raise AssertionError(action)


def build_event_network():
    network = build_network()
    for letter in "AB":
        network.pages[f"evenement_{letter}"] = EventPageFactory(
            parent=network.pages[f"structure_{letter}"], title=f"Événement {letter}"
        )
    draft = EventPage(
        title="Brouillon A", summary="En attente", start=network.pages["evenement_A"].start
    )
    draft.end = draft.start
    save_event(page=draft, parent=network.pages["structure_A"], user=network.users["membre_A"])
    network.pages["brouillon_A"] = draft
    visitor = EventPage(title="Proposition réseau", summary="D'un visiteur", start=draft.start)
    visitor.end = visitor.start
    save_event(page=visitor, parent=AgendaPage.objects.get(), user=None, email="v@example.org")
    network.pages["proposition_reseau"] = visitor
    return network


event_network = module_network(build_event_network)


@pytest.mark.parametrize("role", ROLES)
def test_events_obey_the_permission_matrix(event_network, db, role):
    problems = mismatches(event_network, role, actions=ACTIONS, targets=TARGETS, rule=rule)
    assert not problems, "\n".join(problems)
