"""The funding watch's part of the personal data (see website.privacy_services): the interests
a person recorded for their structures, and the alerts sent to their address."""

from django.utils.translation import gettext_lazy as _

from veille import alerts, selectors
from veille.models import Alert
from website.privacy_services import Retention, iso


def _alerts_to(user):
    if not user.email:
        return Alert.objects.none()
    return Alert.objects.filter(email__iexact=user.email)


def export_data(user) -> dict:
    return {
        "call_interests_recorded": [
            {
                "call": interest.call.title,
                "call_id": interest.call_id,
                "structure": interest.structure.title,
                "status": interest.status,
                "note": interest.note,
            }
            for interest in selectors.interests_recorded_by(user)
        ],
        "alerts": [
            {
                "email": alert.email,
                "search": alert.label or alert.query,
                "frequency": alert.frequency,
                "requested_at": iso(alert.created_at),
                "confirmed_at": iso(alert.confirmed_at),
                "last_sent_on": alert.last_sent_on.isoformat() if alert.last_sent_on else None,
            }
            for alert in _alerts_to(user).order_by("created_at", "pk")
        ],
    }


def forget(user, *, former) -> None:
    # Alerts belong to an address, not to the account: the one the account used goes with it.
    _alerts_to(user).delete()


RETENTION = [
    Retention(
        what=_("Adresse électronique des personnes abonnées à une alerte de la veille"),
        why=_("leur envoyer les appels à projets qu'elles ont demandés, rien d'autre"),
        how_long=_(
            "jusqu'au désabonnement, par le lien présent dans chaque message ; %(days)s jours "
            "si l'abonnement n'est jamais confirmé"
        )
        % {"days": alerts.UNCONFIRMED_DAYS},
        purge=alerts.purge_unconfirmed,
    ),
]
