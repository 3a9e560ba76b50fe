"""Writes that touch several models: an event's occurrence rows."""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from agenda.models import EventPage, Occurrence
from agenda.recurrence import PARIS, expand, horizon


def _day_bounds(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    first = timezone.localtime(start, PARIS).date()
    last = max(first, timezone.localtime(end, PARIS).date())
    return (
        datetime.combine(first, time(0), tzinfo=PARIS),
        datetime.combine(last, time(23, 59, 59), tzinfo=PARIS),
    )


def occurrence_rows(*, event: EventPage, now: datetime) -> list[Occurrence]:
    """The event's sessions within the horizon, exceptions removed and overrides applied."""
    window_start, window_end = horizon(now)
    duration = event.end - event.start
    excluded = set(event.excluded_days)
    overrides = {override.original_date: override for override in event.overrides.all()}
    if event.recurrence:
        starts = expand(
            start=event.start,
            rule=event.recurrence,
            window_start=window_start,
            window_end=window_end,
        )
    else:
        # A single event is kept whatever its date: its page lists it, past or not.
        starts = [event.start]
    rows = []
    for original in starts:
        local_start = original.astimezone(PARIS)
        day = local_start.date()
        if event.recurrence and day in excluded:
            continue
        # Wall-clock duration: a 9 h–12 h session stays 9 h–12 h across a clock change.
        end = (local_start.replace(tzinfo=None) + duration).replace(tzinfo=PARIS)
        start = local_start
        override = overrides.get(day)
        if override is not None:
            start = override.start or start
            end = override.end or (start + duration if override.start else end)
        if event.all_day:
            start, end = _day_bounds(start, end)
        rows.append(
            Occurrence(
                event=event,
                start=start,
                end=max(end, start),
                all_day=event.all_day,
                cancelled=event.is_cancelled or bool(override and override.cancelled),
                overridden=override is not None,
                original_start=original,
            )
        )
    return rows


@transaction.atomic
def rebuild_occurrences(*, event: EventPage, now: datetime | None = None) -> int:
    Occurrence.objects.filter(event=event).delete()
    if not event.live:
        return 0
    rows = occurrence_rows(event=event, now=now or timezone.now())
    Occurrence.objects.bulk_create(rows)
    return len(rows)


def clear_occurrences(*, event: EventPage) -> None:
    Occurrence.objects.filter(event=event).delete()
