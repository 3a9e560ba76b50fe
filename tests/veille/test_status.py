"""A call's status is computed from its dates and the clock, never stored: a deadline given as a
day stays open until the end of that day in Paris, with a time until that time; the listing's
database conditions agree with the page's own answer at every boundary."""

from datetime import datetime, time, timedelta

import pytest
import time_machine

from veille import selectors
from veille.models import AppelPage, Recurrence
from veille.status import CallStatus, call_status

from .conftest import PARIS, call, days


def status_at(moment: datetime, **dates) -> CallStatus:
    fields = {"opening": None, "deadline": None, "deadline_time": None, "permanent": False}
    return call_status(now=moment, **(fields | dates))


def test_a_deadline_day_stays_open_until_midnight_in_paris():
    deadline = datetime(2026, 10, 30).date()
    assert status_at(datetime(2026, 10, 30, 23, 59, 59, tzinfo=PARIS), deadline=deadline) == (
        CallStatus.CLOSING
    )
    assert status_at(datetime(2026, 10, 31, 0, 0, tzinfo=PARIS), deadline=deadline) == (
        CallStatus.CLOSED
    )
    # 23:30 UTC on the 30th is already the 31st in Paris (UTC+1 after the clocks go back).
    from datetime import UTC

    assert status_at(datetime(2026, 10, 30, 23, 30, tzinfo=UTC), deadline=deadline) == (
        CallStatus.CLOSED
    )
    assert status_at(datetime(2026, 10, 30, 22, 59, tzinfo=UTC), deadline=deadline) == (
        CallStatus.CLOSING
    )


def test_a_deadline_with_a_time_closes_at_that_paris_time():
    deadline = datetime(2026, 10, 20).date()
    noon = time(12, 0)
    assert (
        status_at(
            datetime(2026, 10, 20, 11, 59, tzinfo=PARIS), deadline=deadline, deadline_time=noon
        )
        == CallStatus.CLOSING
    )
    assert (
        status_at(
            datetime(2026, 10, 20, 12, 0, tzinfo=PARIS), deadline=deadline, deadline_time=noon
        )
        == CallStatus.CLOSED
    )


def test_closing_means_a_deadline_within_thirty_days():
    now = datetime(2026, 10, 19, 10, 0, tzinfo=PARIS)
    assert status_at(now, deadline=days(30)) == CallStatus.CLOSING
    assert status_at(now, deadline=days(31)) == CallStatus.OPEN
    assert status_at(now, deadline=days(0)) == CallStatus.CLOSING


def test_not_yet_open_permanent_and_open_without_a_deadline():
    now = datetime(2026, 10, 19, 10, 0, tzinfo=PARIS)
    assert status_at(now, opening=days(1), deadline=days(40)) == CallStatus.UPCOMING
    assert status_at(now, opening=days(0), deadline=days(40)) == CallStatus.OPEN
    assert status_at(now, permanent=True) == CallStatus.PERMANENT
    assert status_at(now) == CallStatus.OPEN
    # A permanent scheme given a deadline for this year's session follows that deadline.
    assert status_at(now, permanent=True, deadline=days(-1)) == CallStatus.CLOSED


SHAPES = {
    "ferme hier": {"deadline": days(-1)},
    "ferme ce soir": {"deadline": days(0)},
    "fermé à 9 h": {"deadline": days(0), "deadline_time": time(9, 0)},
    "ferme à 10 h 30": {"deadline": days(0), "deadline_time": time(10, 30)},
    "ferme à 10 h": {"deadline": days(0), "deadline_time": time(10, 0)},
    "dans 30 jours": {"deadline": days(30)},
    "dans 31 jours": {"deadline": days(31)},
    "ouvre demain": {"opening_date": days(1), "deadline": days(90)},
    "ouvert aujourd'hui": {"opening_date": days(0), "deadline": days(90)},
    "permanent": {"recurrence": Recurrence.PERMANENT, "deadline": None},
    "sans date": {"recurrence": Recurrence.RECURRING, "deadline": None},
    "après le changement d'heure": {"deadline": days(6)},
}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 10, 19, 10, 0, tzinfo=PARIS),
        datetime(2026, 10, 19, 23, 59, tzinfo=PARIS),
        datetime(2026, 10, 20, 0, 0, tzinfo=PARIS),
        datetime(2026, 10, 25, 2, 30, tzinfo=PARIS),
        datetime(2026, 11, 18, 0, 0, tzinfo=PARIS),
    ],
)
def test_the_listing_conditions_agree_with_each_call_status(veille, moment):
    for title, fields in SHAPES.items():
        call(veille, title, **fields)
    with time_machine.travel(moment, tick=False):
        expected = {page.title: page.status(moment) for page in AppelPage.objects.all()}
        for status in CallStatus:
            found = set(
                selectors.public_calls()
                .filter(selectors.status_condition(status, moment))
                .values_list("title", flat=True)
            )
            assert found == {title for title, value in expected.items() if value == status}, status
        not_closed = set(
            selectors.public_calls()
            .filter(selectors.not_closed(moment))
            .values_list("title", flat=True)
        )
        assert not_closed == {t for t, value in expected.items() if value != CallStatus.CLOSED}


def test_the_status_is_not_a_column(veille):
    assert "status" not in {field.name for field in AppelPage._meta.get_fields()}
    page = call(veille, "Appel", deadline=days(1))
    with time_machine.travel(datetime(2026, 10, 21, 0, 0, tzinfo=PARIS), tick=False):
        assert page.status() == CallStatus.CLOSED
    assert page.status(datetime(2026, 10, 19, 10, 0, tzinfo=PARIS)) == CallStatus.CLOSING
    assert timedelta(0) < page.closes_at - datetime(2026, 10, 20, 23, 0, tzinfo=PARIS)
