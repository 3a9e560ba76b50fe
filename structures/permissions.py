"""Rights derived from membership data, never edited by hand.

- The editors of structure A form one group with every page permission on A's subtree and on
  A's own collection of images and documents; nobody gets anything on B through A.
- Anyone with a membership is a participant (the wiki); facilitators join the facilitators' group.
Every change to a membership or to the facilitator role re-derives that person's groups at once,
and `setup_site` re-derives everyone's.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from wagtail.models import Collection, GroupCollectionPermission

from structures.models import Facilitator, Membership, Role, StructurePage
from website.permissions import FULL_PAGE_PERMISSIONS
from website.setup import FACILITATORS, PARTICIPANTS, ensure_group, grant_page_permissions

EDITORS_PREFIX = "Structure "
EDITORS_SUFFIX = " — éditeurs"
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document", "delete_document"],
}


def editors_group_name(structure: StructurePage) -> str:
    # Named by id, not title: a renamed structure keeps its group.
    return f"{EDITORS_PREFIX}{structure.pk}{EDITORS_SUFFIX}"


def _derived_groups() -> Q:
    return Q(name__in=[FACILITATORS, PARTICIPANTS]) | Q(
        name__startswith=EDITORS_PREFIX, name__endswith=EDITORS_SUFFIX
    )


def ensure_structure_rights(structure: StructurePage) -> Group:
    """The structure's editors' group, its page permissions and its own collection."""
    group = ensure_group(editors_group_name(structure), codenames=["access_admin"])
    grant_page_permissions(group, structure, FULL_PAGE_PERMISSIONS)
    collection = structure.collection
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=structure.title[:255])
        StructurePage.objects.filter(pk=structure.pk).update(collection=collection)
        structure.collection = collection
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
    return group


def remove_structure_rights(structure: StructurePage) -> None:
    Group.objects.filter(name=editors_group_name(structure)).delete()


@transaction.atomic
def sync_user(user) -> None:
    """Put `user` in exactly the groups their memberships and role call for."""
    desired = set()
    if Facilitator.objects.filter(user=user).exists():
        desired.add(FACILITATORS)
    for membership in Membership.objects.filter(user=user).select_related("structure"):
        desired.add(PARTICIPANTS)
        if membership.role == Role.EDITOR:
            desired.add(ensure_structure_rights(membership.structure).name)
    current = set(user.groups.filter(_derived_groups()).values_list("name", flat=True))
    if current - desired:
        user.groups.remove(*Group.objects.filter(name__in=current - desired))
    if desired - current:
        user.groups.add(*(ensure_group(name) for name in desired - current))


def sync_all() -> None:
    for structure in StructurePage.objects.all():
        ensure_structure_rights(structure)
    users = (
        get_user_model()
        .objects.filter(
            Q(memberships__isnull=False)
            | Q(facilitator_role__isnull=False)
            | Q(groups__in=Group.objects.filter(_derived_groups()))
        )
        .distinct()
    )
    for user in users:
        sync_user(user)
