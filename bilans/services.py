"""Writes on actions: creating one from a review day's item, changing its status."""

from django.db import transaction
from django.utils import timezone

from bilans.models import Action, BilanPage, Status


@transaction.atomic
def create_action(
    *,
    bilan: BilanPage | None,
    section_id: str = "",
    section_title: str = "",
    item_id: str = "",
    structure,
    description: str,
    due_date=None,
    status: str = Status.TODO,
    carried_by=(),
    user=None,
) -> Action:
    action = Action.objects.create(
        bilan=bilan,
        section_id=section_id,
        section_title=section_title[:255],
        item_id=item_id,
        structure=structure,
        description=description,
        due_date=due_date,
        status=status,
        created_by=user if user is not None and user.is_authenticated else None,
        status_changed_at=timezone.now() if status != Status.TODO else None,
    )
    if carried_by:
        action.carried_by.set(carried_by)
    return action


class StatusConflict(Exception):
    """Someone else changed the status after this person saw it."""


@transaction.atomic
def set_status(*, action: Action, status: str, user, seen: str = "") -> bool:
    """Record a new status and who set it; False (and nothing saved) if it did not change.

    `seen`, the status the person was shown, guards against overwriting a change made since:
    StatusConflict, and nothing saved.
    """
    # Locked, so that of two people choosing at the same moment the second sees the first.
    current = (
        Action.objects.select_for_update()
        .filter(pk=action.pk)
        .values_list("status", flat=True)
        .first()
    )
    action.status = current if current is not None else action.status
    if action.status == status:
        return False
    if seen and seen != action.status:
        raise StatusConflict
    action.status = status
    action.status_changed_at = timezone.now()
    action.status_changed_by = user
    action.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return True
