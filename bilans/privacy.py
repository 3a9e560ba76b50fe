"""The bilans' part of the personal data (see website.privacy_services): the actions a person
entered or moved on. They stay with the account's deletion, without the person."""

from django.db.models import Q

from bilans.models import Action
from website.privacy_services import iso


def export_data(user) -> dict:
    actions = (
        Action.objects.filter(Q(created_by=user) | Q(status_changed_by=user))
        .select_related("structure")
        .order_by("created_at", "pk")
    )
    return {
        "actions": [
            {
                "action": action.description,
                "structure": action.owner_name(),
                "status": action.status,
                "created_by_me": action.created_by_id == user.pk,
                "created_at": iso(action.created_at),
                "status_changed_by_me": action.status_changed_by_id == user.pk,
                "status_changed_at": iso(action.status_changed_at),
            }
            for action in actions
        ]
    }
