"""The wiki's digests: who is due one, what it says, the email, and the unsubscribe token.

A digest covers (start, end]: `start` is the person's cursor (`covered_until`), or when they
started following if later; `end` is the last period boundary, today 00:00 (Europe/Paris) for a
daily digest, Monday 00:00 for a weekly one. A person is due when start < end. The cursor moves
to `end` right after their email has gone (or at once when there is nothing to say), so a run
that stops midway resumes where it stopped and a second run sends nothing.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, Min, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ressources import changes
from ressources.models import DigestSubscription, Follow, Frequency, RessourceIndexPage
from website import mailing

MAX_LINES = 60
# Stateless: the link works for six months, and for no other purpose (its salt).
UNSUBSCRIBE_LINK = mailing.SignedLink(
    salt="ressources.digest.unsubscribe", max_age=timedelta(days=180)
)


def period_end(frequency: str, now: datetime) -> datetime:
    """The boundary the digest due at `now` reaches: today 00:00, or Monday 00:00, in Paris."""
    day = timezone.localdate(now)
    if frequency == Frequency.WEEKLY:
        day -= timedelta(days=day.weekday())
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


# --- Unsubscribing ---------------------------------------------------------------------------


def unsubscribe_token(user) -> str:
    return UNSUBSCRIBE_LINK.make(user.pk)


def user_for_token(token: str):
    """The active account a token was made for; mailing.LinkError (or ExpiredLink) otherwise."""
    pk = UNSUBSCRIBE_LINK.read(token)
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise mailing.LinkError
    return user


def unsubscribe(user) -> None:
    DigestSubscription.objects.update_or_create(user=user, defaults={"frequency": Frequency.NEVER})


def unsubscribe_url(user) -> str:
    return mailing.absolute_url(reverse("ressources_unsubscribe", args=[unsubscribe_token(user)]))


# --- Who is due ------------------------------------------------------------------------------


@dataclass
class Due:
    subscription: DigestSubscription
    start: datetime
    end: datetime


def ensure_subscriptions() -> None:
    """People who follow something without a preference yet get the default one (weekly)."""
    followers = Follow.objects.filter(user__wiki_digest__isnull=True).values_list(
        "user_id", flat=True
    )
    DigestSubscription.objects.bulk_create(
        [DigestSubscription(user_id=pk) for pk in set(followers)], ignore_conflicts=True
    )


def receiving() -> QuerySet:
    """Subscriptions that may be sent: daily or weekly, an active account with an address, at
    least one follow; with when the person started following (`following_since`)."""
    return (
        DigestSubscription.objects.filter(
            frequency__in=[Frequency.DAILY, Frequency.WEEKLY],
            user__is_active=True,
        )
        .exclude(user__email="")
        .filter(Exists(Follow.objects.filter(user_id=OuterRef("user_id"))))
        .annotate(following_since=Min("user__wiki_follows__created_at"))
        .select_related("user")
        .prefetch_related(
            Prefetch("user__wiki_follows", queryset=Follow.objects.select_related("page", "tag"))
        )
        .order_by("user_id")
    )


def due(now: datetime) -> list[Due]:
    found = []
    for subscription in receiving():
        end = period_end(subscription.frequency, now)
        start = max(
            moment
            for moment in (subscription.covered_until, subscription.following_since)
            if moment is not None
        )
        if start < end:
            found.append(Due(subscription, start, end))
    return found


# --- The email -------------------------------------------------------------------------------


def lines_for(item: Due) -> list[changes.Line]:
    user = item.subscription.user
    return changes.changes_between(
        item.start, item.end, pages=changes.followed_by(user), exclude_user=user
    )


def _path(page, roots) -> str:
    """The page's path on its site, for links under RELAIS_BASE_URL."""
    parts = page.get_url_parts(roots)
    return parts[2] if parts and parts[2] else "/"


def message(item: Due, lines: list[changes.Line]) -> EmailMultiAlternatives:
    user = item.subscription.user
    roots = SimpleNamespace()  # Wagtail keeps the site root paths on it: read once
    for line in lines:
        line.url = mailing.absolute_url(_path(line.page, roots))
    index = RessourceIndexPage.objects.live().first()
    wiki_url = mailing.absolute_url(_path(index, roots) if index else "/")
    changes_url = wiki_url + index.reverse_subpage("recent_changes") if index else wiki_url
    daily = item.subscription.frequency == Frequency.DAILY
    context = {
        "name": user.get_full_name() or user.get_username(),
        "lines": lines[:MAX_LINES],
        "total": len(lines),
        "single_day": item.end - item.start <= timedelta(days=1),
        "more": max(0, len(lines) - MAX_LINES),
        "start": item.start,
        "last_day": timezone.localdate(item.end) - timedelta(days=1),
        "wiki_url": wiki_url,
        "changes_url": changes_url,
    }
    footer = mailing.Footer(
        reason=_("Vous recevez ce résumé chaque jour où il y a du nouveau dans ce que vous suivez.")
        if daily
        else _(
            "Vous recevez ce résumé chaque semaine où il y a du nouveau dans ce que vous suivez."
        ),
        back_label=_("Changer la fréquence ou ce que vous suivez"),
        back_url=mailing.absolute_url(reverse("ressources_follows")),
        unsubscribe_label=_("Ne plus recevoir ce résumé (en un clic, sans vous connecter)"),
        unsubscribe_url=unsubscribe_url(user),
    )
    return mailing.list_email(
        "ressources/emails/digest",
        context,
        to=user.email,
        footer=footer,
        # The window it covers names it: the email a killed run repeats is the same one.
        key=f"wiki-resume-{item.subscription.pk}-{item.end.isoformat()}",
        html=True,
    )


def move_cursor(item: Due) -> None:
    DigestSubscription.objects.filter(pk=item.subscription.pk).update(covered_until=item.end)
