"""Who may record a structure's interest in a call, derived from memberships.

Calls themselves are pages: a structure's editors publish its calls with the page permissions
they hold on its subtree (structures.permissions), the facilitators those of the watch
(veille/setup.py). Interests are recorded from the call's page by any member of the structure,
or by a facilitator for any structure; the network's accounts see them, visitors do not.
"""

from django.db.models import QuerySet

from structures.models import Facilitator, StructurePage
from website.queries import without_restricted


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def coordinates_network(user) -> bool:
    """Facilitators and administrators."""
    return _active(user) and (user.is_superuser or Facilitator.objects.filter(user=user).exists())


def sees_interests(user) -> bool:
    return _active(user)


def interest_structures(user) -> QuerySet:
    """The live structures whose interest `user` may record, by title."""
    structures = without_restricted(StructurePage.objects.live()).order_by("title", "pk")
    if not _active(user):
        return structures.none()
    if coordinates_network(user):
        return structures
    return structures.filter(memberships__user=user).distinct()


def own_structures(user) -> QuerySet:
    """The structures `user` belongs to (for "ouvert à ma structure" and Mon espace)."""
    if not _active(user):
        return StructurePage.objects.none()
    return StructurePage.objects.filter(memberships__user=user).distinct()
