"""Alerts: subscription with double opt-in, and the digests that `send_veille_alerts` sends.
The opt-in itself (keys, confirmation, expiry, unsubscribe pages) is website's (see
website.mailing and website.models.mailing).

A digest holds the matching calls published since the previous one (the first holds every
matching call still open) and the matching calls whose deadline entered the next 7 days since
the previous one. Each alert's cursor (the day of its last digest, and the moment up to which new
calls were covered) is saved right after its email leaves: a crash repeats at most that one
email, and a re-run resumes with the alerts not yet sent.
"""

import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veille import filters as veille_filters
from veille import selectors
from veille.models import Alert, Frequency, VeilleIndexPage
from veille.status import paris_now
from website import mailing
from website.queries import without_restricted

REMINDER_DAYS = 7
UNCONFIRMED_DAYS = mailing.UNCONFIRMED_DAYS  # told in veille.privacy
MAX_CALLS_PER_EMAIL = 50

purge_unconfirmed = Alert.purge_unconfirmed  # the limit veille.privacy applies


def watch_page() -> VeilleIndexPage | None:
    return without_restricted(VeilleIndexPage.objects.live()).first()


def link(page: VeilleIndexPage, name: str, query: str = "") -> str:
    url = mailing.absolute_url(page.url + page.reverse_subpage(name))
    return f"{url}?{query}" if query else url


# --- Subscribing -----------------------------------------------------------------------------


def subscribe(*, email: str, query: str, label: str, frequency: str) -> Alert:
    """The alert for this address and search, created or taken up again."""
    return Alert.sign_up(
        email=email, query=query, defaults={"label": label[:1000], "frequency": frequency}
    )


def send_confirmation(alert: Alert) -> None:
    mailing.send_confirmation(
        "veille/emails/confirm",
        {
            "alert": alert,
            "confirm_url": alert.confirm_url,
            "unsubscribe_url": alert.unsubscribe_url,
        },
        to=alert.email,
    )


# --- Digests ---------------------------------------------------------------------------------


@dataclass
class Digest:
    alert: Alert
    new: list = field(default_factory=list)
    closing: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.new and not self.closing


def is_due(alert: Alert, today: date) -> bool:
    if alert.last_sent_on is None:
        return True
    days = 1 if alert.frequency == Frequency.DAILY else 7
    return today >= alert.last_sent_on + timedelta(days=days)


def digest(alert: Alert, now: datetime) -> Digest:
    today, _clock = paris_now(now)
    calls = veille_filters.from_query(alert.query).calls(now)
    current = selectors.current(calls, now)
    published = Q(first_published_at__lte=now)
    if alert.covered_until is not None:
        published &= Q(first_published_at__gt=alert.covered_until)
    new = list(current.filter(published)[:MAX_CALLS_PER_EMAIL])
    # Reminders for deadlines that entered the 7-day window since the last digest.
    window_start = today
    if alert.last_sent_on is not None:
        window_start = max(today, alert.last_sent_on + timedelta(days=REMINDER_DAYS + 1))
    already = {call.pk for call in new}
    closing = [
        call
        for call in current.filter(
            deadline__gte=window_start, deadline__lte=today + timedelta(days=REMINDER_DAYS)
        )[:MAX_CALLS_PER_EMAIL]
        if call.pk not in already
    ]
    return Digest(alert=alert, new=new, closing=closing)


def _email(result: Digest, page: VeilleIndexPage, now: datetime):
    alert = result.alert
    for call in [*result.new, *result.closing]:
        call.status_now = call.status(now)
        call.absolute_url = mailing.absolute_url(call.get_url())
    context = {
        "alert": alert,
        "new": result.new,
        "closing": result.closing,
        "count": len(result.new) + len(result.closing),
    }
    footer = mailing.Footer(
        reason=_(
            "Vous recevez ce courriel parce que cette adresse s'est abonnée à une alerte de la "
            "veille financements."
        ),
        back_label=_("Tous les résultats de votre recherche"),
        back_url=link(page, "listing", query=alert.query),
        unsubscribe_label=_("Se désabonner en un clic (votre adresse est effacée)"),
        unsubscribe_url=alert.unsubscribe_url,
    )
    # One email per alert and day at most (last_sent_on): a repeat the same day is the same email.
    key = f"veille-alerte-{alert.pk}-{paris_now(now)[0].isoformat()}"
    return mailing.list_email(
        "veille/emails/digest", context, to=alert.email, footer=footer, key=key
    )


def send_due_alerts(now: datetime | None = None) -> dict[str, int]:
    """Send every confirmed alert that is due; returns what happened, for the command's log.
    Run it inside website.runs.one_at_a_time (the command does)."""
    now = now or timezone.now()
    today, _clock = paris_now(now)
    purged = purge_unconfirmed(now)
    page = watch_page()
    if page is None:
        return {"sent": 0, "nothing_new": 0, "failed": 0, "purged": purged}
    candidates = (
        Alert.objects.filter(confirmed_at__isnull=False)
        .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today))
        .only("frequency", "last_sent_on")
        .order_by("pk")
    )
    due = [alert.pk for alert in candidates if is_due(alert, today)]

    def compose(alert_pk: int):
        # Read again: it may have been unsubscribed since the run started.
        alert = Alert.objects.filter(pk=alert_pk).first()
        if alert is None:
            return None
        result = digest(alert, now)
        return None if result.empty else _email(result, page, now)

    def done(alert_pk: int) -> None:
        Alert.objects.filter(pk=alert_pk).update(last_sent_on=today, covered_until=now)

    counts = mailing.send_each(
        due,
        compose=compose,
        done=done,
        label="Alertes de la veille",
        # A refused address waits for the next run; a server that is down stops this one,
        # which the next run resumes.
        retry_later=(smtplib.SMTPException,),
    )
    return {
        "sent": counts.sent,
        "nothing_new": counts.silent,
        "failed": counts.failed,
        "purged": purged,
    }
