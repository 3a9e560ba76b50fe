"""Review days, methods and actions in the permission matrix, for every role and by every route.

Facilitators and administrators edit review days and method sheets (the admin's page editor)
and every action (front end and admin). Members of a structure, editors included, update the
status of their own structure's actions, by the front end only; nothing of structure B's
through A, nothing for disabled or former accounts. Everyone reads the pages and the boards.
"""

import pytest

from django.urls import reverse

from wagtail.models import Page

from bilans.factories import ActionFactory, BilanPageFactory, MethodPageFactory
from bilans.models import Action, BilanIndexPage, BilanPage, MethodIndexPage, MethodPage
from tests.bilans.conftest import five_columns
from tests.permissions import ROLES, attempt, build_network, client_for, module_network

EVERYWHERE = {"animateur", "admin"}
MEMBERS = {"A": {"membre_A", "editeur_A"}, "B": {"editeur_B"}, "reseau": set()}
PAGE_TARGETS = ["bilan", "methode"]
ACTION_TARGETS = {"action_A": "A", "action_B": "B", "action_reseau": "reseau"}


def build_bilans_network():
    network = build_network()
    method = MethodPageFactory(parent=MethodIndexPage.objects.get(), title="Méthode de la matrice")
    bilan = BilanPageFactory(
        parent=BilanIndexPage.objects.get(),
        title="Bilan de la matrice",
        sections=[five_columns(method, creer=["Un post-it"])],
    )
    network.pages["bilan"] = BilanPage.objects.get(pk=bilan.pk)
    network.pages["methode"] = method
    network.actions = {
        "action_A": ActionFactory(
            bilan=bilan, structure=network.pages["structure_A"], description="Action de A"
        ),
        "action_B": ActionFactory(
            bilan=bilan, structure=network.pages["structure_B"], description="Action de B"
        ),
        "action_reseau": ActionFactory(bilan=bilan, structure=None, description="Action du réseau"),
    }
    return network


bilans_network = module_network(build_bilans_network)


# --- Pages: review days and methods ---------------------------------------------------------


def read(client, page):
    return client.get(page.url).status_code == 200


def open_editor(client, page):
    return client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def add_sibling(client, page):
    model = page.specific_class._meta
    url = reverse(
        "wagtailadmin_pages:add", args=[model.app_label, model.model_name, page.get_parent().pk]
    )
    return client.get(url).status_code == 200


def unpublish(client, page):
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    return not Page.objects.get(pk=page.pk).live


def delete(client, page):
    client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    return not Page.objects.filter(pk=page.pk).exists()


def turn_item_into_action(client, page):
    bilan = BilanPage.objects.filter(pk=page.pk).first()
    if bilan is None:
        return False  # only review days have items
    block = bilan.sections[0]
    item_id = block.value.actionable_items()[0][0]
    before = Action.objects.count()
    client.post(
        f"{bilan.url}action/{block.id}/{item_id}/",
        {"description": "Nouvelle", "status": "a_faire", "structure": ""},
    )
    return Action.objects.count() == before + 1


PAGE_ACTIONS = {
    "lire": read,
    "ouvrir l'éditeur": open_editor,
    "en ajouter une": add_sibling,
    "dépublier": unpublish,
    "supprimer": delete,
    "transformer un point en action": turn_item_into_action,
}


def page_rule(role: str, action: str, target: str) -> bool:
    if action == "lire":
        return True
    if action == "transformer un point en action" and target != "bilan":
        return False
    return role in EVERYWHERE


# --- Actions --------------------------------------------------------------------------------


def _index() -> BilanIndexPage:
    return BilanIndexPage.objects.get()


def see_on_board(client, action):
    return action.description in client.get(f"{_index().url}actions/").content.decode()


def change_status(client, action):
    client.post(f"{_index().url}actions/{action.pk}/statut/", {"status": "faite"})
    return Action.objects.get(pk=action.pk).status == "faite"


def edit_on_site(client, action):
    client.post(
        f"{_index().url}actions/{action.pk}/modifier/",
        {"description": "Changée", "status": "faite", "structure": ""},
    )
    return Action.objects.get(pk=action.pk).description == "Changée"


def edit_in_admin(client, action):
    client.post(
        reverse("bilan_actions:edit", args=[action.pk]),
        {
            "bilan": action.bilan_id,
            "section_title": "",
            "structure": action.structure_id or "",
            "description": "Changée",
            "due_date": "",
            "status": "faite",
        },
    )
    return Action.objects.get(pk=action.pk).description == "Changée"


def delete_in_admin(client, action):
    client.post(reverse("bilan_actions:delete", args=[action.pk]))
    return not Action.objects.filter(pk=action.pk).exists()


ACTION_ACTIONS = {
    "voir dans le tableau": see_on_board,
    "changer l'état (site)": change_status,
    "modifier l'action (site)": edit_on_site,
    "modifier dans l'admin": edit_in_admin,
    "supprimer dans l'admin": delete_in_admin,
}


def action_rule(role: str, action: str, target: str) -> bool:
    if action == "voir dans le tableau":
        return True
    if action == "changer l'état (site)":
        return role in EVERYWHERE | MEMBERS[ACTION_TARGETS[target]]
    return role in EVERYWHERE


@pytest.mark.parametrize("role", ROLES)
def test_review_days_methods_and_actions_obey_the_permission_matrix(bilans_network, db, role):
    network = bilans_network
    client = client_for(network, role)
    found = []
    for name, action in PAGE_ACTIONS.items():
        for target in PAGE_TARGETS:
            page = Page.objects.get(pk=network.pages[target].pk)
            allowed = attempt(action, client, page)
            if allowed != page_rule(role, name, target):
                found.append(f"{role} / {name} / {target} : {'autorisé' if allowed else 'refusé'}")
    for name, action in ACTION_ACTIONS.items():
        for target in ACTION_TARGETS:
            row = Action.objects.get(pk=network.actions[target].pk)
            allowed = attempt(action, client, row)
            if allowed != action_rule(role, name, target):
                found.append(f"{role} / {name} / {target} : {'autorisé' if allowed else 'refusé'}")
    assert not found, "\n".join(found)
    assert MethodPage.objects.filter(pk=network.pages["methode"].pk).exists()
