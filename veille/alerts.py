"""Alerts: subscription with double opt-in, confirmation, unsubscription, and the digests that
`send_veille_alerts` sends.

A digest holds the matching calls published since the previous one (the first holds every
matching call still open) and the matching calls whose deadline entered the next 7 days since
the previous one. Each alert's cursor (the day of its last digest, and the moment up to which new
calls were covered) is saved right after its email leaves: a crash repeats at most that one
email, and a re-run resumes with the alerts not yet sent. A short lock in the shared cache keeps
two runs from sending the same digest at once.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from veille import filters as veille_filters
from veille import selectors
from veille.models import Alert, Frequency, VeilleIndexPage
from veille.status import paris_now
from website.accounts import send_account_email
from website.queries import without_restricted

REMINDER_DAYS = 7
UNCONFIRMED_DAYS = 7
LOCK_SECONDS = 300
MAX_CALLS_PER_EMAIL = 50


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def watch_page() -> VeilleIndexPage | None:
    return without_restricted(VeilleIndexPage.objects.live()).first()


def link(page: VeilleIndexPage, name: str, query: str = "") -> str:
    url = absolute(page.url + page.reverse_subpage(name))
    return f"{url}?{query}" if query else url


# --- Subscribing -----------------------------------------------------------------------------


def subscribe(*, email: str, query: str, label: str, frequency: str) -> Alert:
    """The alert for this address and search, created or taken up again. Whether it existed is
    not told to the visitor: the answer is the same either way."""
    email = email.strip()
    alert = Alert.objects.filter(email__iexact=email, query=query).first()
    if alert is None:
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    email=email, query=query, label=label[:1000], frequency=frequency
                )
        except IntegrityError:  # the same form sent twice at once
            alert = Alert.objects.get(email__iexact=email, query=query)
    elif not alert.confirmed:
        alert.frequency = frequency
        alert.save(update_fields=["frequency"])
    return alert


def send_confirmation(alert: Alert, page: VeilleIndexPage) -> None:
    context = {
        "alert": alert,
        "confirm_url": absolute(reverse("veille_alert_confirm", args=[alert.key])),
        "unsubscribe_url": absolute(reverse("veille_alert_unsubscribe", args=[alert.key])),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "days": UNCONFIRMED_DAYS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("veille/emails/confirm_subject.txt", context).split())
        body = render_to_string("veille/emails/confirm.txt", context)
    send_account_email.enqueue(subject=subject, body=body, to=[alert.email])


def confirm(alert: Alert) -> None:
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])


def purge_unconfirmed(now: datetime) -> int:
    """Addresses never confirmed are forgotten after a week."""
    deleted, _by_model = Alert.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS)
    ).delete()
    return deleted


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


def _email(result: Digest, page: VeilleIndexPage, now: datetime) -> EmailMessage:
    alert = result.alert
    unsubscribe = absolute(reverse("veille_alert_unsubscribe", args=[alert.key]))
    for call in [*result.new, *result.closing]:
        call.status_now = call.status(now)
        call.absolute_url = absolute(call.get_url())
    context = {
        "alert": alert,
        "new": result.new,
        "closing": result.closing,
        "count": len(result.new) + len(result.closing),
        "results_url": link(page, "listing", query=alert.query),
        "unsubscribe_url": unsubscribe,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("veille/emails/digest_subject.txt", context).split())
        body = render_to_string("veille/emails/digest.txt", context)
    return EmailMessage(
        subject,
        body,
        to=[alert.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_due_alerts(now: datetime | None = None) -> dict[str, int]:
    """Send every confirmed alert that is due; returns what happened, for the command's log."""
    now = now or timezone.now()
    today, _clock = paris_now(now)
    counts = {"sent": 0, "nothing_new": 0, "busy": 0, "purged": purge_unconfirmed(now)}
    page = watch_page()
    if page is None:
        return counts
    due = Alert.objects.filter(confirmed_at__isnull=False).filter(
        Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today)
    )
    for alert_pk in due.order_by("pk").values_list("pk", flat=True):
        lock = f"veille-alert:{alert_pk}"
        if not cache.add(lock, 1, timeout=LOCK_SECONDS):
            counts["busy"] += 1
            continue
        try:
            # Read again under the lock: another run may have sent it, or it was unsubscribed.
            alert = Alert.objects.filter(pk=alert_pk, confirmed_at__isnull=False).first()
            if alert is None or not is_due(alert, today):
                continue
            result = digest(alert, now)
            if result.empty:
                counts["nothing_new"] += 1
            else:
                _email(result, page, now).send()
                counts["sent"] += 1
            Alert.objects.filter(pk=alert.pk).update(last_sent_on=today, covered_until=now)
        finally:
            cache.delete(lock)
    return counts
