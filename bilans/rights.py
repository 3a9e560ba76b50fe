"""Who may do what with review days, methods and actions, from the membership data.

- Review days and method sheets are pages: the facilitators hold every page permission on the
  "Bilans" subtree (bilans/setup.py); nobody else edits them.
- An action belongs to a structure. Any member of that structure (member or editor) updates
  its status from the front end, acting within their membership, not through page rights;
  the facilitators create and edit every action, by the front end or the admin.
- Nobody gets anything on structure B's actions through a membership of A, and a disabled
  account gets nothing.
"""

from structures.models import Facilitator, Membership


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def is_facilitator(user) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or Facilitator.objects.filter(user=user).exists()


def member_structure_ids(user) -> set[int]:
    if not _active(user):
        return set()
    return set(Membership.objects.filter(user=user).values_list("structure_id", flat=True))


def may_update_status(user, action, *, facilitator: bool | None = None, structure_ids=None) -> bool:
    """`facilitator` and `structure_ids` may be given when checking many actions at once."""
    if facilitator if facilitator is not None else is_facilitator(user):
        return True
    if action.structure_id is None:
        return False
    ids = structure_ids if structure_ids is not None else member_structure_ids(user)
    return action.structure_id in ids


def may_edit_actions(user) -> bool:
    """Create actions from a review day's items, and change everything about any action."""
    return is_facilitator(user)


def may_edit_page(user, page) -> bool:
    # Visitors never hold page permissions: no query for them.
    return user.is_authenticated and page.permissions_for_user(user).can_edit()
