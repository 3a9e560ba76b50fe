"""The permission matrix, completed where the apps' matrices stop: the admin's bulk actions on
pages (publish, unpublish, move), each structure's collection of images and documents, the
snippets, the accounts, the wiki's comments and their moderation, and the exports.

One test per cell, named role-action-target-route ("editeur_B-publier-lieu_A-admin_bulk");
the outcome expected is derived from the rule (membership, role), never typed cell by cell.
The network is built once for the module (tests.permissions.module_network); each cell runs
in its own rolled-back transaction, and reports success by its effect where it has one.
"""

import io

import pytest
from PIL import Image

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse

from wagtail.models import Page

from ressources.factories import RessourcePageFactory, ThemeFactory
from ressources.models import Comment, RessourceIndexPage
from structures.factories import LieuPageFactory
from structures.models import LieuIndexPage, StructurePage
from tests.permissions import ROLES, Network, build_network, client_for, module_network
from veille.factories import FunderFactory
from website.models import RelaisDocument, RelaisImage

EVERYWHERE = {"admin"}
FACILITATION = {"admin", "animateur"}
# Everyone with a membership takes part in the wiki; the invited account has none yet.
PARTICIPANTS = {"membre_A", "editeur_A", "editeur_B"} | FACILITATION
SIGNED_IN_AND_ACTIVE = set(ROLES) - {"anonyme", "compte_desactive"}


def owner(target: str) -> str:
    return target.rsplit("_", 1)[-1]


def editors_of(target: str) -> set[str]:
    return EVERYWHERE | {f"editeur_{owner(target)}"}


# --- The network ----------------------------------------------------------------------------


def _png() -> ImageFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return ImageFile(buffer, name="photo.png")


def build_complete_network() -> Network:
    network = build_network()
    network.rows = {}  # rows other than pages, by name
    pages = network.pages
    for letter in "AB":
        structure = StructurePage.objects.get(pk=pages[f"structure_{letter}"].pk)
        pages[f"brouillon_lieu_{letter}"] = LieuPageFactory(
            parent=structure, title=f"Brouillon {letter}", live=False
        )
        pages[f"brouillon_lieu_{letter}"].save_revision()
        network.rows[f"image_{letter}"] = RelaisImage.objects.create(
            title=f"Image {letter}", file=_png(), collection=structure.collection
        )
        network.rows[f"document_{letter}"] = RelaisDocument.objects.create(
            title=f"Document {letter}",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"doc-{letter}.pdf"),
            collection=structure.collection,
        )
    pages["ressource"] = RessourcePageFactory(parent=RessourceIndexPage.objects.get())
    network.rows["commentaire"] = Comment.objects.create(
        page=pages["ressource"], author=network.users["membre_A"], body="Une question"
    )
    network.rows["financeur"] = FunderFactory()
    network.rows["theme_wiki"] = ThemeFactory()
    network.rows["compte"] = get_user_model().objects.create_user("personne_en_trop")
    return network


complete_network = module_network(build_complete_network)


def _bulk(client, app: str, model: str, action: str, pk: int, data=None):
    url = reverse("wagtail_bulk_action", args=[app, model, action])
    return client.post(f"{url}?id={pk}", data or {})


# --- Pages: the admin's bulk actions ----------------------------------------------------------


def publish(client, network, target):
    page = network.pages[target]
    _bulk(client, "wagtailcore", "page", "publish", page.pk)
    return Page.objects.get(pk=page.pk).live


def unpublish(client, network, target):
    page = network.pages[target]
    _bulk(client, "wagtailcore", "page", "unpublish", page.pk)
    return not Page.objects.get(pk=page.pk).live


def move_to_the_other_structure(client, network, target):
    page = network.pages[target]
    other = network.pages["structure_B" if owner(target) == "A" else "structure_A"]
    _bulk(client, "wagtailcore", "page", "move", page.pk, {"chooser": other.pk})
    return Page.objects.get(pk=page.pk).get_parent().pk == other.pk


PAGE_CELLS = {
    ("publier", "brouillon_lieu_A"): publish,
    ("publier", "brouillon_lieu_B"): publish,
    ("depublier", "lieu_A"): unpublish,
    ("depublier", "lieu_B"): unpublish,
    ("deplacer", "lieu_A"): move_to_the_other_structure,
    ("deplacer", "lieu_B"): move_to_the_other_structure,
}


def page_rule(role: str, action: str, target: str) -> bool:
    if action == "deplacer":
        return role in EVERYWHERE  # into another structure: nobody holds both subtrees
    return role in editors_of(target)


# --- Images and documents: each structure's collection ---------------------------------------


def open_media_editor(client, network, target):
    row = network.rows[target]
    app = "wagtailimages" if isinstance(row, RelaisImage) else "wagtaildocs"
    return client.get(reverse(f"{app}:edit", args=[row.pk])).status_code == 200


def bulk_delete_media(client, network, target):
    row = network.rows[target]
    if isinstance(row, RelaisImage):
        _bulk(client, "website", "relaisimage", "delete", row.pk)
    else:
        _bulk(client, "website", "relaisdocument", "delete", row.pk)
    return not type(row).objects.filter(pk=row.pk).exists()


MEDIA_CELLS = {
    (action, target): function
    for action, function in (("modifier", open_media_editor), ("supprimer", bulk_delete_media))
    for target in ("image_A", "image_B", "document_A", "document_B")
}


# --- Snippets and accounts --------------------------------------------------------------------


def open_funder(client, network, target):
    url = reverse("wagtailsnippets_veille_funder:edit", args=[network.rows[target].pk])
    return client.get(url).status_code == 200


def bulk_delete_snippet(client, network, target):
    row = network.rows[target]
    _bulk(client, row._meta.app_label, row._meta.model_name, "delete", row.pk)
    return not type(row).objects.filter(pk=row.pk).exists()


def bulk_delete_account(client, network, target):
    row = network.rows[target]
    _bulk(client, row._meta.app_label, row._meta.model_name, "delete", row.pk)
    return not get_user_model().objects.filter(pk=row.pk, is_active=True).exists()


SNIPPET_CELLS = {
    ("modifier", "financeur"): open_funder,
    ("supprimer", "financeur"): bulk_delete_snippet,
    ("supprimer", "theme_wiki"): bulk_delete_snippet,
    ("supprimer", "compte"): bulk_delete_account,
}


def snippet_rule(role: str, action: str, target: str) -> bool:
    return role in (EVERYWHERE if target == "compte" else FACILITATION)


# --- The wiki's comments, and exports ---------------------------------------------------------


def comment(client, network, target):
    page = network.pages[target]
    client.post(page.url + page.reverse_subpage("comment"), {"body": "Merci pour la fiche."})
    return Comment.objects.filter(page=page, body="Merci pour la fiche.").exists()


def hide(client, network, target):
    row = network.rows[target]
    client.post(reverse("ressources_comment_hide", args=[row.pk]), {"masquer": "1"})
    return Comment.objects.get(pk=row.pk).hidden_at is not None


def export_places(client, network, target):
    index = LieuIndexPage.objects.get()
    response = client.get(index.url + index.reverse_subpage("export_csv"))
    return response.status_code == 200 and b"Lieu A" in b"".join(response.streaming_content)


def export_my_data(client, network, target):
    return client.get(reverse("account_export")).status_code == 200


FRONT_CELLS = {
    ("commenter", "ressource"): comment,
    ("moderer", "commentaire"): hide,
    ("exporter", "lieux"): export_places,
    ("exporter", "mes_donnees"): export_my_data,
}


def front_rule(role: str, action: str, target: str) -> bool:
    return {
        "commenter": role in PARTICIPANTS,
        "moderer": role in FACILITATION,
        "exporter": target == "lieux" or role in SIGNED_IN_AND_ACTIVE,
    }[action]


# --- The matrix -----------------------------------------------------------------------------

FAMILIES = {
    "admin_bulk": (PAGE_CELLS, page_rule),
    "admin_collection": (
        MEDIA_CELLS,
        lambda role, action, target: role in editors_of(target),
    ),
    "admin_snippets": (SNIPPET_CELLS, snippet_rule),
    "site": (FRONT_CELLS, front_rule),
}


def cells(route: str):
    actions, rule = FAMILIES[route]
    return [
        pytest.param(role, action, target, id=f"{role}-{action}-{target}-{route}")
        for role in ROLES
        for action, target in actions
    ]


def check(network, route: str, role: str, action: str, target: str) -> None:
    actions, rule = FAMILIES[route]
    allowed = actions[action, target](client_for(network, role), network, target)
    expected = rule(role, action, target)
    assert allowed == expected, f"{'autorisé' if allowed else 'refusé'}, attendu l'inverse"


@pytest.mark.parametrize(("role", "action", "target"), cells("admin_bulk"))
def test_admin_bulk_actions_on_pages(complete_network, db, role, action, target):
    check(complete_network, "admin_bulk", role, action, target)


@pytest.mark.parametrize(("role", "action", "target"), cells("admin_collection"))
def test_images_and_documents_of_each_collection(complete_network, db, role, action, target):
    check(complete_network, "admin_collection", role, action, target)


@pytest.mark.parametrize(("role", "action", "target"), cells("admin_snippets"))
def test_snippets_and_accounts(complete_network, db, role, action, target):
    check(complete_network, "admin_snippets", role, action, target)


@pytest.mark.parametrize(("role", "action", "target"), cells("site"))
def test_comments_moderation_and_exports(complete_network, db, role, action, target):
    check(complete_network, "site", role, action, target)
