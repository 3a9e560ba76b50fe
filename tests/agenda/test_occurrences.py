"""Occurrence rows and the selectors that read them, with the clock frozen on Monday 19 October
2026, the week before the clocks go back."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agenda import selectors
from agenda.factories import EventPageFactory
from agenda.models import EventPage, Occurrence, OccurrenceOverride, Status
from agenda.recurrence import describe, validate_rrule
from agenda.services import rebuild_occurrences

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def at(day: int, hour: int, month: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=PARIS)


def weekly_friday(structure, **fields):
    return EventPageFactory(
        parent=structure,
        title="Permanence du vendredi",
        start=at(23, 9),
        end=at(23, 12),
        recurrence="FREQ=WEEKLY;BYDAY=FR",
        **fields,
    )


def test_an_event_today_is_upcoming_and_listed_today(structure, frozen):
    event = EventPageFactory(parent=structure, start=at(19, 14), end=at(19, 16))
    assert [item.event for item in selectors.upcoming(frozen)] == [event]
    assert list(selectors.ongoing(frozen)) == []
    day = selectors.occurrences_between(at(19, 0), at(20, 0))
    assert [item.event.pk for item in day] == [event.pk]


def test_an_event_that_started_yesterday_and_ends_tomorrow_is_ongoing(structure, frozen):
    event = EventPageFactory(parent=structure, start=at(18, 10), end=at(20, 18))
    assert [item.event.pk for item in selectors.ongoing(frozen)] == [event.pk]
    assert [item.event.pk for item in selectors.upcoming(frozen)] == [event.pk]


def test_an_event_that_ended_this_morning_is_no_longer_upcoming(structure, frozen):
    EventPageFactory(parent=structure, start=at(19, 6), end=at(19, 7))
    assert list(selectors.upcoming(frozen)) == []


def test_a_weekly_9am_series_stays_at_9am_paris_across_the_clock_change(structure, frozen):
    weekly_friday(structure)
    sessions = list(selectors.occurrences_between(at(20, 0), at(7, 0, month=11)))
    assert [item.start.astimezone(PARIS).hour for item in sessions] == [9, 9, 9]
    assert [item.end.astimezone(PARIS).hour for item in sessions] == [12, 12, 12]
    assert [item.start.astimezone(UTC).hour for item in sessions] == [7, 8, 8]


def test_an_excluded_friday_is_missing(structure, frozen):
    weekly_friday(structure, exceptions="30/10/2026")
    days = [item.day for item in selectors.occurrences_between(at(20, 0), at(7, 0, month=11))]
    assert days == [date(2026, 10, 23), date(2026, 11, 6)]


def test_an_override_moves_one_friday_to_10am_and_another_is_cancelled(structure, frozen):
    event = weekly_friday(structure)
    OccurrenceOverride.objects.create(
        page=event, original_date=date(2026, 10, 30), start=at(30, 10), end=at(30, 12)
    )
    OccurrenceOverride.objects.create(page=event, original_date=date(2026, 11, 6), cancelled=True)
    rebuild_occurrences(event=EventPage.objects.get(pk=event.pk))
    sessions = list(selectors.occurrences_between(at(20, 0), at(7, 0, month=11)))
    assert [(item.start.astimezone(PARIS).hour, item.overridden) for item in sessions] == [
        (9, False),
        (10, True),
        (9, True),
    ]
    assert [item.cancelled for item in sessions] == [False, False, True]


def test_a_series_without_end_is_expanded_to_eighteen_months_only(structure, frozen):
    weekly_friday(structure)
    last = Occurrence.objects.order_by("-start").first()
    assert last.start < frozen + timedelta(days=18 * 31)
    assert last.start > frozen + timedelta(days=17 * 30)


def test_a_cancelled_event_is_listed_as_cancelled(structure, frozen):
    EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10), status=Status.CANCELLED)
    assert [item.cancelled for item in selectors.upcoming(frozen)] == [True]


def test_an_unpublished_event_leaves_the_listings(structure, frozen):
    event = EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10))
    event.unpublish()
    assert list(selectors.upcoming(frozen)) == []
    assert not Occurrence.objects.exists()


def test_publishing_a_revision_rebuilds_the_occurrences(structure, frozen):
    event = EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10))
    event.start, event.end = at(22, 9), at(22, 10)
    event.save_revision().publish()
    assert [item.day for item in selectors.upcoming(frozen)] == [date(2026, 10, 22)]


def test_a_deleted_event_takes_its_occurrences_along(structure, frozen):
    weekly_friday(structure).delete()
    assert not Occurrence.objects.exists()


def test_the_database_refuses_an_event_ending_before_it_starts(structure, frozen):
    event = EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        EventPage.objects.filter(pk=event.pk).update(end=at(21, 8))


def test_the_database_refuses_an_occurrence_ending_before_it_starts(structure, frozen):
    event = EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.create(
            event=event, start=at(21, 10), end=at(21, 9), original_start=at(21, 10)
        )


def test_an_end_before_the_start_gets_a_french_message(structure, frozen):
    event = EventPage(title="x", summary="x", start=at(21, 10), end=at(21, 9))
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "La fin doit venir après le début." in error.value.message_dict["end"]


@pytest.mark.parametrize(
    "rule",
    ["FREQ=HOURLY", "FREQ=DAILY;BYHOUR=1,2,3,4,5,6,7,8", "FREQ=WEEKLY;BYDAY=XX", "n'importe quoi"],
)
def test_unreadable_or_flooding_rules_are_refused(rule):
    with pytest.raises(ValidationError):
        validate_rrule(rule, start=at(23, 9))


@pytest.mark.parametrize(
    "rule",
    ["FREQ=WEEKLY;BYDAY=FR", "FREQ=MONTHLY;BYDAY=1MO;COUNT=10", "FREQ=DAILY;UNTIL=20271231"],
)
def test_ordinary_rules_are_accepted(rule):
    validate_rrule(rule, start=at(23, 9))


def test_a_date_in_1900_is_refused(structure, frozen):
    event = EventPage(title="x", summary="x", start=at(1, 9, year=1900), end=at(1, 10, year=1900))
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "start" in error.value.message_dict


def test_listing_selectors_skip_private_and_draft_events(structure, frozen):
    EventPageFactory(parent=structure, start=at(21, 9), end=at(21, 10), live=False)
    assert list(selectors.upcoming(frozen)) == []


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=FR", "chaque vendredi"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "toutes les 2 semaines le mardi et jeudi"),
        ("FREQ=MONTHLY;BYDAY=1MO", "le premier lundi du mois"),
        ("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630", "chaque mardi et jeudi, jusqu'au 30/06/2027"),
        ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=10", "le dernier vendredi du mois, 10 fois"),
        ("", ""),
    ],
)
def test_a_rule_reads_in_plain_french(rule, text):
    assert describe(rule) == text


def test_a_date_only_until_includes_that_days_session(structure, frozen):
    # Fridays from 23 October; "until 30 October" keeps the 9 h session of the 30th.
    event = EventPageFactory(
        parent=structure,
        start=at(23, 9),
        end=at(23, 12),
        recurrence="FREQ=WEEKLY;BYDAY=FR;UNTIL=20261030",
    )
    days = [occurrence.day for occurrence in Occurrence.objects.filter(event=event)]
    assert days == [date(2026, 10, 23), date(2026, 10, 30)]


@pytest.mark.parametrize(
    "rule",
    ["FREQ=MONTHLY;INTERVAL=3", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1", "FREQ=YEARLY;BYMONTH=6"],
)
def test_rules_beyond_plain_french_are_not_half_described(rule):
    assert describe(rule) == ""
