"""Writes and page contexts that touch several models."""

from django.utils import timezone
from django.utils.translation import gettext as _

from veille import rights, selectors
from veille.forms import WITHDRAW
from veille.models import AppelPage, Interest, InterestStatus


def record_interest(*, call: AppelPage, structure, status: str, note: str, user) -> str:
    """Create, change or withdraw `structure`'s interest in `call`; the French message to show.
    The caller has checked that `user` may speak for `structure` (veille.rights)."""
    if status == WITHDRAW:
        Interest.objects.filter(call=call, structure=structure).delete()
        return _("« %(structure)s » ne suit plus cet appel.") % {"structure": structure.title}
    Interest.objects.update_or_create(
        call=call,
        structure=structure,
        defaults={"status": status, "note": note.strip(), "updated_by": user},
    )
    return _("C'est noté : « %(structure)s » — %(status)s.") % {
        "structure": structure.title,
        "status": InterestStatus(status).label,
    }


def call_context(call: AppelPage, *, user, structure, interest_form) -> dict:
    return {
        "status": call.status(timezone.now()),
        "structure": structure,
        "interests": selectors.interests_in(call) if rights.sees_interests(user) else None,
        "interest_form": interest_form,
    }
