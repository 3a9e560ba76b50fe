"""Calls in the permission matrix, for every role: a structure's editors publish its calls and
nothing else (not another structure's, not the watch's, not its funders); facilitators keep the
watch and its funders; members record their structure's interest in a call from the front end,
for their own structures only; visitors, deactivated and former accounts do none of it.
"""

import pytest

from django.test import Client
from django.urls import reverse

from wagtail.models import Page

from tests.permissions import ROLES, build_network, mismatches, module_network
from veille.factories import AppelPageFactory
from veille.models import AppelPage, Funder, Interest, VeilleIndexPage

TARGETS = ["appel_A", "appel_B", "appel_veille"]
OWNER = {"appel_A": "A", "appel_B": "B", "appel_veille": None}
EVERYWHERE = {"admin", "animateur"}
MEMBERS = {"A": {"membre_A", "editeur_A"}, "B": {"editeur_B"}}


def open_editor(client: Client, page: Page) -> bool:
    return client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def add_beside(client: Client, page: Page) -> bool:
    """Open the form of a new call where this one stands (its structure, or the watch)."""
    url = reverse("wagtailadmin_pages:add", args=["veille", "appelpage", page.get_parent().pk])
    return client.get(url).status_code == 200


def unpublish(client: Client, page: Page) -> bool:
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    return not Page.objects.get(pk=page.pk).live


def add_funder(client: Client, page: Page) -> bool:
    client.post(
        reverse("wagtailsnippets_veille_funder:add"),
        {"name": "Fondation test", "kind": "fondation"},
    )
    return Funder.objects.filter(name="Fondation test").exists()


def _interest_for(letter: str):
    def record(client: Client, page: Page) -> bool:
        structure = Page.objects.get(title=f"Structure {letter}")
        call = AppelPage.objects.get(pk=page.pk)
        client.post(call.interest_url(), {"structure": structure.pk, "status": "en-preparation"})
        return Interest.objects.filter(call=call, structure_id=structure.pk).exists()

    return record


ACTIONS = {
    "ouvrir l'éditeur": open_editor,
    "ajouter un appel à côté": add_beside,
    "dépublier": unpublish,
    "ajouter un financeur": add_funder,
    "intérêt de la structure A": _interest_for("A"),
    "intérêt de la structure B": _interest_for("B"),
}


def rule(role: str, action: str, target: str, network) -> bool:
    owner = OWNER[target]
    if action == "ajouter un financeur":
        return role in EVERYWHERE
    if action.startswith("intérêt de la structure"):
        return role in EVERYWHERE | MEMBERS[action[-1]]
    if role == "admin":
        return True
    if owner is None:
        return role == "animateur"
    return role == f"editeur_{owner}"


def build_call_network():
    network = build_network()
    for letter in "AB":
        network.pages[f"appel_{letter}"] = AppelPageFactory(
            parent=network.pages[f"structure_{letter}"], title=f"Appel {letter}"
        )
    network.pages["appel_veille"] = AppelPageFactory(
        parent=VeilleIndexPage.objects.get(), title="Appel du réseau"
    )
    return network


call_network = module_network(build_call_network)


@pytest.mark.parametrize("role", ROLES)
def test_calls_obey_the_permission_matrix(call_network, db, role):
    problems = mismatches(call_network, role, actions=ACTIONS, targets=TARGETS, rule=rule)
    assert not problems, "\n".join(problems)
