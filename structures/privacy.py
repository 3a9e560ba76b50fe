"""The structures' part of the personal data (see website.privacy_services): memberships, the
facilitator role, invitations."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from structures.invitations import INVITATION_VALIDITY
from structures.models import Facilitator, Invitation, Membership
from website.privacy_services import Retention, iso

EXPIRED_KEPT = timedelta(days=30)
ACCEPTED_KEPT = timedelta(days=90)


def export_data(user) -> dict:
    facilitator = Facilitator.objects.filter(user=user).first()
    return {
        "memberships": [
            {
                "structure": membership.structure.title,
                "structure_id": membership.structure_id,
                "role": membership.role,
                "role_label": str(membership.get_role_display()),
                "since": iso(membership.created_at),
            }
            for membership in Membership.objects.filter(user=user)
            .select_related("structure")
            .order_by("created_at", "pk")
        ],
        "facilitator_since": iso(facilitator.created_at) if facilitator else None,
        "invitations_accepted": [
            {
                "structure": invitation.structure.title,
                "role": invitation.role,
                "sent_at": iso(invitation.created_at),
                "accepted_at": iso(invitation.accepted_at),
            }
            for invitation in Invitation.objects.filter(accepted_by=user)
            .select_related("structure")
            .order_by("accepted_at", "pk")
        ],
        # Without the invited addresses: they are those people's data, not the sender's.
        "invitations_sent": [
            {
                "structure": invitation.structure.title,
                "role": invitation.role,
                "sent_at": iso(invitation.created_at),
                "accepted": invitation.accepted_at is not None,
            }
            for invitation in Invitation.objects.filter(invited_by=user)
            .select_related("structure")
            .order_by("created_at", "pk")
        ],
    }


def forget(user, *, former) -> None:
    """The rights go with the account: memberships and the facilitator role are deleted one
    by one, through their signals, so the derived groups are emptied while the account still
    exists; then the invitations that hold the person's address. Invitations the person sent
    stay, without the sender."""
    for membership in Membership.objects.filter(user=user):
        membership.delete()
    Facilitator.objects.filter(user=user).delete()
    addressed = Q(accepted_by=user)
    if user.email:
        addressed |= Q(email__iexact=user.email)
    Invitation.objects.filter(addressed).delete()


def purge_invitations(now: datetime) -> int:
    stale = Invitation.objects.filter(
        Q(accepted_at__isnull=True, expires_at__lt=now - EXPIRED_KEPT)
        | Q(accepted_at__lt=now - ACCEPTED_KEPT)
    )
    deleted, _by_model = stale.delete()
    return deleted


RETENTION = [
    Retention(
        what=_("Invitations (adresse électronique de la personne invitée, structure, rôle)"),
        why=_("lui envoyer le lien qui crée son compte et vérifier que c'est bien elle"),
        how_long=_(
            "le lien vaut %(valid)s jours ; l'invitation est effacée %(expired)s jours après "
            "l'expiration du lien, ou %(accepted)s jours après son acceptation"
        )
        % {
            "valid": INVITATION_VALIDITY.days,
            "expired": EXPIRED_KEPT.days,
            "accepted": ACCEPTED_KEPT.days,
        },
        purge=purge_invitations,
    ),
]
