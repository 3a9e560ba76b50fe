"""The agenda's part of "Mon espace" and of the personal data export (see structures.views)."""

from django.utils import timezone

from agenda import selectors


def my_space_block(request) -> dict:
    user = request.user
    moderates = selectors.moderates_anything(user)
    return {
        "template": "agenda/my_space_block.html",
        "proposals": selectors.proposals_of(user, limit=5),
        "waiting": len(selectors.waiting_for(user)) if moderates else 0,
        "moderates": moderates,
    }


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def export_data(user) -> dict:
    return {
        "event_proposals": [
            {
                "event": proposal.event.title,
                "event_id": proposal.event_id,
                "new_event": proposal.is_new,
                "status": proposal.status,
                "message": proposal.message,
                "proposed_at": _iso(proposal.created_at),
                "moderated_at": _iso(proposal.moderated_at),
            }
            for proposal in selectors.proposals_of(user, limit=None)
        ]
    }
