"""The wiki in the permission matrix, for every role, by every route a person could take.

Everyone reads. Participants (every member of a structure) open the editor, write and publish
directly, wiki style, and add sub-pages; they cannot unpublish, move or delete a resource, one
by one or in bulk. Facilitators and administrators can (deleting a resource that has sub-pages
takes the bulk-delete permission, which only administrators hold). Former members and disabled
accounts get nothing but reading.
"""

import pytest

from django.test import Client
from django.urls import reverse

from wagtail.models import Page

from ressources.factories import RessourcePageFactory
from ressources.models import RessourceIndexPage, RessourcePage
from tests.permissions import ROLES, build_network, mismatches, module_network
from tests.ressources.editor import edit_url, editor_post

PARTICIPANTS = {"membre_A", "editeur_A", "editeur_B"}
WITHDRAWERS = {"animateur", "admin"}
EDITORS = PARTICIPANTS | WITHDRAWERS
PAGES = ["wiki", "ressource", "ressource_mere", "sous_ressource"]
RESSOURCES = ["ressource", "ressource_mere", "sous_ressource"]


def build_wiki_network():
    network = build_network()
    wiki = RessourceIndexPage.objects.get()
    network.pages["wiki"] = wiki
    network.pages["ressource"] = RessourcePageFactory(
        parent=wiki, title="Fiche du membre", owner=network.users["membre_A"]
    )
    mother = RessourcePageFactory(parent=wiki, title="Guide avec sous-pages")
    network.pages["ressource_mere"] = mother
    network.pages["sous_ressource"] = RessourcePageFactory(parent=mother, title="Sous-page")
    return network


wiki_network = module_network(build_wiki_network)


def _ok(client: Client, url: str) -> bool:
    return client.get(url).status_code == 200


def read(client, page):
    return _ok(client, page.url)


def open_editor(client, page):
    return _ok(client, reverse("wagtailadmin_pages:edit", args=[page.pk]))


def add_under(client, page):
    return _ok(
        client, reverse("wagtailadmin_pages:add", args=["ressources", "ressourcepage", page.pk])
    )


def edit_and_publish(client, page):
    """Send the admin's editor form with a new summary and the publish button."""
    changed = editor_post(page.specific, summary="Résumé changé par la matrice")
    client.post(edit_url(page), changed)
    return RessourcePage.objects.get(pk=page.pk).summary == "Résumé changé par la matrice"


def unpublish(client, page):
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    return not Page.objects.get(pk=page.pk).live


def _destination(page) -> Page:
    """Another resource of the wiki the page may go under."""
    return (
        RessourcePage.objects.exclude(pk=page.get_parent().pk)
        .not_descendant_of(page, inclusive=True)
        .order_by("pk")
        .first()
    )


def _moved(page, destination) -> bool:
    return Page.objects.get(pk=page.pk).get_parent().pk == destination.pk


def move(client, page):
    destination = _destination(page)
    client.post(reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk]))
    return _moved(page, destination)


def delete(client, page):
    client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    return not Page.objects.filter(pk=page.pk).exists()


def _bulk(client, page, action: str, data=None):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    client.post(f"{url}?id={page.pk}", data or {})


def bulk_delete(client, page):
    _bulk(client, page, "delete")
    return not Page.objects.filter(pk=page.pk).exists()


def bulk_unpublish(client, page):
    _bulk(client, page, "unpublish")
    return not Page.objects.get(pk=page.pk).live


def bulk_move(client, page):
    destination = _destination(page)
    _bulk(client, page, "move", {"chooser": destination.pk})
    return _moved(page, destination)


READING_AND_WRITING = {
    "lire": read,
    "ouvrir l'éditeur": open_editor,
    "ajouter une sous-ressource": add_under,
    "dépublier": unpublish,
    "dépublier en masse": bulk_unpublish,
}
ON_RESSOURCES = {
    "modifier et publier": edit_and_publish,
    "déplacer": move,
    "déplacer en masse": bulk_move,
    "supprimer": delete,
    "supprimer en masse": bulk_delete,
}


def rule(role: str, action: str, target: str, network) -> bool:
    if action == "lire":
        return True
    if action in ("ouvrir l'éditeur", "ajouter une sous-ressource", "modifier et publier"):
        return role in EDITORS
    if action in ("supprimer", "supprimer en masse") and target == "ressource_mere":
        return role == "admin"  # a page with sub-pages: the bulk-delete permission
    return role in WITHDRAWERS


@pytest.mark.parametrize("role", ROLES)
def test_the_wiki_obeys_the_permission_matrix(wiki_network, db, role):
    network = wiki_network
    problems = mismatches(network, role, actions=READING_AND_WRITING, targets=PAGES, rule=rule)
    problems += mismatches(network, role, actions=ON_RESSOURCES, targets=RESSOURCES, rule=rule)
    assert not problems, "\n".join(problems)


def test_a_refused_withdrawal_says_who_to_ask(wiki_network, db):
    network = wiki_network
    client = Client(HTTP_HOST="localhost")
    client.force_login(network.users["membre_A"])
    page = network.pages["ressource"]
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]), follow=True)
    assert "Seule l'équipe d'animation peut dépublier" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert Page.objects.get(pk=page.pk).live
