"""The permission-matrix harness: role × object × action × route → allowed or not.

Each action performs the real request a person would make and reports whether it succeeded, by
its effect where it has one (the page is gone, no longer live…), else by the response. Later
issues add their roles' objects and routes to ACTIONS and to the network built by `network`.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page

from structures.factories import LieuPageFactory, NewsPageFactory, StructurePageFactory
from structures.invitations import hash_token
from structures.models import Facilitator, Invitation, Membership, Role, StructureIndexPage


@dataclass
class Network:
    pages: dict[str, Page] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    def owner_of(self, target: str) -> str:
        return target.rsplit("_", 1)[-1]


ROLES = [
    "anonyme",
    "membre_A",
    "editeur_A",
    "editeur_B",
    "animateur",
    "admin",
    "compte_desactive",
    "ancien_editeur_A",
    "invite_A",
]
# The link of the invitation `invite_A` has not followed yet.
INVITATION_TOKEN = "jeton-de-l-invitation-en-attente"
TARGETS = ["structure_A", "lieu_A", "actualite_A", "structure_B", "lieu_B"]


def build_network() -> Network:
    index = StructureIndexPage.objects.get()
    network = Network()
    for letter in "AB":
        structure = StructurePageFactory(parent=index, title=f"Structure {letter}")
        network.pages[f"structure_{letter}"] = structure
        network.pages[f"lieu_{letter}"] = LieuPageFactory(parent=structure, title=f"Lieu {letter}")
    network.pages["actualite_A"] = NewsPageFactory(
        parent=network.pages["structure_A"], title="Actualité A"
    )
    user_model = get_user_model()

    def person(name, **fields):
        user = user_model.objects.create_user(
            username=name, password="mot-de-passe-du-test", **fields
        )
        network.users[name] = user
        return user

    Membership.objects.create(
        user=person("membre_A"), structure=network.pages["structure_A"], role=Role.MEMBER
    )
    Membership.objects.create(
        user=person("editeur_A"), structure=network.pages["structure_A"], role=Role.EDITOR
    )
    Membership.objects.create(
        user=person("editeur_B"), structure=network.pages["structure_B"], role=Role.EDITOR
    )
    Facilitator.objects.create(user=person("animateur"))
    person("admin", is_superuser=True, is_staff=True)
    inactive = person("compte_desactive")
    Membership.objects.create(
        user=inactive, structure=network.pages["structure_A"], role=Role.EDITOR
    )
    inactive.is_active = False
    inactive.save()
    former = person("ancien_editeur_A")
    Membership.objects.create(
        user=former, structure=network.pages["structure_A"], role=Role.EDITOR
    ).delete()
    # An account invited to be A's editor that has not accepted yet: nothing of A until then.
    Invitation.objects.create(
        email=person("invite_A", email="invite@example.org").email,
        structure=network.pages["structure_A"],
        role=Role.EDITOR,
        token_hash=hash_token(INVITATION_TOKEN),
        invited_by=network.users["editeur_A"],
        expires_at=timezone.now() + timedelta(days=7),
    )
    return network


@contextmanager
def _rolled_back(django_db_blocker):
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def module_network(builder):
    """A module-scoped fixture: `builder()`'s network, built once for the module inside a
    transaction rolled back after it (as `seeded_demo`); each test runs in a savepoint of it."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with _rolled_back(django_db_blocker):
            yield builder()

    return fixture


def client_for(network: Network, role: str) -> Client:
    client = Client(HTTP_HOST="localhost")
    if role != "anonyme":
        # Django drops the session of an inactive account on its next request, as in production.
        client.force_login(network.users[role])
    return client


class _Undo(Exception):
    pass


def attempt(action, client: Client, page: Page) -> bool:
    """Run one action and undo its effects (a savepoint rolled back), so that every action of
    the matrix meets the same network."""
    outcome = False
    try:
        with transaction.atomic():
            outcome = action(client, page)
            raise _Undo
    except _Undo:
        pass
    return outcome


def mismatches(network: Network, role: str, *, actions=None, targets=None, rule=None) -> list[str]:
    """Every (action, target) whose outcome for `role` differs from the matrix (this module's,
    or another app's `actions`, `targets` and `rule`)."""
    actions, targets, rule = actions or ACTIONS, targets or TARGETS, rule or expected
    client = client_for(network, role)
    found = []
    for action_name, action in actions.items():
        for target in targets:
            page = Page.objects.get(pk=network.pages[target].pk)
            allowed = attempt(action, client, page)
            if allowed != rule(role, action_name, target, network):
                found.append(
                    f"{role} / {action_name} / {target} : {'autorisé' if allowed else 'refusé'}"
                )
    return found


def _opens(client: Client, url: str) -> bool:
    return client.get(url).status_code == 200


def _still_there(page: Page) -> bool:
    return Page.objects.filter(pk=page.pk).exists()


def open_editor(client, page):
    return _opens(client, reverse("wagtailadmin_pages:edit", args=[page.pk]))


def open_history(client, page):
    return _opens(client, reverse("wagtailadmin_pages:history", args=[page.pk]))


def view_draft(client, page):
    return _opens(client, reverse("wagtailadmin_pages:view_draft", args=[page.pk]))


def add_place_under(client, page):
    return _opens(
        client, reverse("wagtailadmin_pages:add", args=["structures", "lieupage", page.pk])
    )


def open_move(client, page):
    return _opens(client, reverse("wagtailadmin_pages:move", args=[page.pk]))


def unpublish(client, page):
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    return not Page.objects.get(pk=page.pk).live


def delete(client, page):
    client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    return not _still_there(page)


def bulk_delete(client, page):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    client.post(f"{url}?id={page.pk}", {})
    return not _still_there(page)


ACTIONS = {
    "ouvrir l'éditeur": open_editor,
    "voir l'historique": open_history,
    "voir le brouillon": view_draft,
    "ajouter un lieu dessous": add_place_under,
    "déplacer": open_move,
    "dépublier": unpublish,
    "supprimer": delete,
    "supprimer en masse": bulk_delete,
}


DESTRUCTIVE = {"supprimer", "supprimer en masse"}


def expected(role: str, action: str, target: str, network: Network) -> bool:
    """Administrators may do everything. A structure's editors may do everything on its pages,
    except deleting the structure itself with its places and news (Wagtail asks for the
    bulk-delete permission, which only administrators have). Nobody else may do anything."""
    if action == "ajouter un lieu dessous" and not target.startswith("structure_"):
        return False  # the page tree allows places under structures only
    if role == "admin":
        return True
    if action in DESTRUCTIVE and target.startswith("structure_"):
        return False
    return role == f"editeur_{network.owner_of(target)}"


# --- The whole site, for the matrices that cross every app ------------------------------------


def with_index_pages(network: Network) -> Network:
    """The network plus the section pages setup_site builds, by name, and structure A at the
    address "structure-a" (routes that take a structure's slug)."""
    from agenda.models import AgendaPage
    from bilans.models import BilanIndexPage, MethodIndexPage
    from ressources.models import RessourceIndexPage
    from structures.models import LieuIndexPage, NewsIndexPage
    from veille.models import VeilleIndexPage
    from website.models import HomePage

    for name, model in {
        "accueil": HomePage,
        "structures": StructureIndexPage,
        "lieux": LieuIndexPage,
        "actualites": NewsIndexPage,
        "agenda": AgendaPage,
        "wiki": RessourceIndexPage,
        "veille": VeilleIndexPage,
        "bilans": BilanIndexPage,
        "methodes": MethodIndexPage,
    }.items():
        network.pages[name] = model.objects.get()
    network.pages["structure_A"].slug = "structure-a"
    network.pages["structure_A"].save_revision().publish()
    return network


# Addresses of the network, as functions of it: tables of routes are written before it exists.


def page_url(name: str, route: str = "", *args):
    """A page of the network, or one of its own routes; `args` may be functions of the network."""

    def url(network: Network) -> str:
        target = network.pages[name]
        values = [arg(network) if callable(arg) else arg for arg in args]
        return target.url + (target.reverse_subpage(route, args=values) if route else "")

    return url


def named_url(name: str, *args):
    """A named URL; `args` are functions of the network."""
    return lambda network: reverse(name, args=[arg(network) for arg in args])
