"""The agenda's part of the personal data (see website.privacy_services): a person's event
proposals, and the addresses visitors leave with theirs."""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from agenda import selectors
from agenda.models import EventProposal
from website.privacy_services import Retention, iso

# Long enough to answer a visitor who writes back about the moderation's decision.
VISITOR_EMAIL_KEPT = timedelta(days=90)


def export_data(user) -> dict:
    return {
        "event_proposals": [
            {
                "event": proposal.event.title,
                "event_id": proposal.event_id,
                "new_event": proposal.is_new,
                "status": proposal.status,
                "message": proposal.message,
                "proposed_at": iso(proposal.created_at),
                "moderated_at": iso(proposal.moderated_at),
            }
            for proposal in selectors.proposals_of(user, limit=None)
        ]
    }


def forget(user, *, former) -> None:
    # Left without a proposer, a member's proposal would read as a visitor's to the moderators.
    EventProposal.objects.filter(proposer=user).update(proposer=former)
    EventProposal.objects.filter(moderated_by=user).update(moderated_by=former)


def erase_visitor_emails(now: datetime) -> int:
    """The proposal stays (its outcome, for the moderators' history), without the address."""
    return (
        EventProposal.objects.exclude(email="")
        .filter(moderated_at__lt=now - VISITOR_EMAIL_KEPT)
        .update(email="")
    )


RETENTION = [
    Retention(
        what=_("Adresse électronique des visiteurs qui proposent un événement sans compte"),
        why=_("leur dire si l'événement est publié, ou pourquoi il ne l'est pas"),
        how_long=_(
            "effacée %(days)s jours après la modération ; la proposition reste, sans l'adresse"
        )
        % {"days": VISITOR_EMAIL_KEPT.days},
        purge=erase_visitor_emails,
    ),
]
