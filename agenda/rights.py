"""Who may propose, edit and moderate events, derived from memberships (never from page rights).

- Any member of a structure proposes events for it and changes that structure's events; their
  changes wait for moderation.
- A structure's editors publish their structure's events directly and moderate its members'
  proposals; the facilitators do both for every structure and for network-wide events.
- Nobody gets anything on structure B through a membership of A.
"""

from django.db.models import Q, QuerySet

from structures.models import Facilitator, Membership, Role, StructurePage
from structures.notifications import structure_of
from website.queries import without_restricted


def is_facilitator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Facilitator.objects.filter(user=user).exists()


def _role(user, structure: StructurePage | None) -> str | None:
    if structure is None or not user.is_authenticated or not user.is_active:
        return None
    return (
        Membership.objects.filter(user=user, structure=structure)
        .values_list("role", flat=True)
        .first()
    )


def proposable_structures(user) -> QuerySet:
    """The live structures `user` can propose events for, by title."""
    structures = without_restricted(StructurePage.objects.live()).order_by("title")
    if is_facilitator(user):
        return structures
    if not user.is_authenticated or not user.is_active:
        return structures.none()
    return structures.filter(memberships__user=user).distinct()


def publishes_directly(user, structure: StructurePage | None) -> bool:
    """Whether `user`'s events for `structure` (None: the whole network) skip moderation."""
    return is_facilitator(user) or _role(user, structure) == Role.EDITOR


def can_change_event(user, event) -> bool:
    """Members of the event's structure (moderated), its editors and the facilitators."""
    return is_facilitator(user) or _role(user, structure_of(event)) is not None


def can_moderate(user, page) -> bool:
    return publishes_directly(user, structure_of(page))


def editor_structures(user) -> QuerySet:
    return StructurePage.objects.filter(
        memberships__user=user, memberships__role=Role.EDITOR
    ).distinct()


def member_structures(user) -> QuerySet:
    return StructurePage.objects.filter(memberships__user=user).distinct()


def within(structures: QuerySet) -> Q:
    """Pages in the subtrees of `structures` (a Q on Page.path; matches nothing if none)."""
    paths = list(structures.values_list("path", flat=True))
    if not paths:
        return Q(pk__in=[])
    return Q.create([("path__startswith", path) for path in paths], connector=Q.OR)
