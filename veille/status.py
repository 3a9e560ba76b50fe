"""A call's status, computed from its dates and never stored: it changes with the clock.

A deadline given as a day stays open until the end of that day in Europe/Paris; with a time, until
that time (Paris wall clock). The same rules exist twice: here for one call, and as database
conditions in veille.selectors for listings; tests hold them to the same answers.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

from website import page_cache

PARIS = ZoneInfo("Europe/Paris")
CLOSING_DAYS = 30


class CallStatus(models.TextChoices):
    OPEN = "ouvert", _("Ouvert")
    CLOSING = "bientot-clos", _("Se termine bientôt")
    UPCOMING = "a-venir", _("Pas encore ouvert")
    PERMANENT = "permanent", _("Permanent")
    CLOSED = "clos", _("Clos")


def paris_now(now: datetime) -> tuple[date, time]:
    """Today's date and the wall-clock time in Paris."""
    local = now.astimezone(PARIS)
    return local.date(), local.time().replace(tzinfo=None)


def closes_at(deadline: date | None, deadline_time: time | None) -> datetime | None:
    """The moment a call closes: its deadline's time, or the end of its deadline's day."""
    if deadline is None:
        return None
    if deadline_time is None:
        return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=PARIS)
    return datetime.combine(deadline, deadline_time, tzinfo=PARIS)


def call_status(
    *,
    now: datetime,
    opening: date | None,
    deadline: date | None,
    deadline_time: time | None,
    permanent: bool,
) -> CallStatus:
    closing = closes_at(deadline, deadline_time)
    if closing is not None and now >= closing:
        return CallStatus.CLOSED
    # The other changes fall at midnight, when a cached page expires anyway.
    page_cache.changes_at(closing)
    today, _clock = paris_now(now)
    if opening is not None and opening > today:
        return CallStatus.UPCOMING
    if deadline is None:
        return CallStatus.PERMANENT if permanent else CallStatus.OPEN
    if deadline <= today + timedelta(days=CLOSING_DAYS):
        return CallStatus.CLOSING
    return CallStatus.OPEN
