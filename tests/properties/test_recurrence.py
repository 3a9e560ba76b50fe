"""Recurrence: RFC 5545 rules, their expansion, and the French form that writes them."""

from datetime import date, datetime, timedelta

from hypothesis import assume, example, given
from hypothesis import strategies as st

from django.core.exceptions import ValidationError

from agenda import recurrence
from agenda.recurrence_field import (
    MAX_INTERVAL,
    WEEKDAYS,
    End,
    Recurrence,
    RecurrenceField,
    RecurrenceWidget,
    Repeat,
    split_rule,
)

from .hostile import anything, assembled, assert_french

TOKENS = [
    "RRULE:",
    "FREQ=",
    "DAILY",
    "WEEKLY",
    "MONTHLY",
    "YEARLY",
    "HOURLY",
    "SECONDLY",
    ";",
    "=",
    ",",
    "INTERVAL=",
    "COUNT=",
    "UNTIL=",
    "BYDAY=",
    "BYMONTH=",
    "BYMONTHDAY=",
    "BYYEARDAY=",
    "BYWEEKNO=",
    "BYSETPOS=",
    "BYHOUR=",
    "WKST=",
    *WEEKDAYS,
    "1",
    "2",
    "0",
    "-1",
    "+",
    "29",
    "30",
    "31",
    "366",
    "53",
    "99999999999999999999",
    "20270630",
    "T235959",
    "Z",
    "00010101T000000Z",
    "99991231T235959Z",
]

numbers = st.integers(min_value=-3, max_value=400).map(str) | st.sampled_from(
    ["0", "+1", "-0", "99999999999999999999", "1.5", ""]
)
until_values = st.builds(
    lambda moment, form: moment.strftime(form),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(["%Y%m%d", "%Y%m%dT%H%M%S", "%Y%m%dT%H%M%SZ"]),
) | st.sampled_from(["BADZ", "Z", "20270230", "20270630T2359", "2027-06-30"])
day_values = st.lists(
    st.builds(
        lambda n, day: n + day,
        st.sampled_from(["", "1", "-1", "+2", "5", "+-", "0"]),
        st.sampled_from(WEEKDAYS),
    ),
    min_size=1,
    max_size=3,
).map(",".join)
PART_VALUES = {
    "FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "SECONDLY", "X"]),
    "INTERVAL": numbers,
    "COUNT": numbers,
    "UNTIL": until_values,
    "BYDAY": day_values,
    "BYMONTH": numbers,
    "BYMONTHDAY": numbers,
    "BYYEARDAY": numbers,
    "BYWEEKNO": numbers,
    "BYSETPOS": numbers,
    "BYHOUR": numbers,
    "WKST": st.sampled_from([*WEEKDAYS, "XX"]),
}


@st.composite
def structured_rules(draw):
    """Rules shaped like RFC 5545 (KEY=VALUE;…), with values on and past every limit."""
    keys = draw(st.lists(st.sampled_from(sorted(PART_VALUES)), max_size=4))
    parts = [("FREQ", draw(PART_VALUES["FREQ"]))] + [(key, draw(PART_VALUES[key])) for key in keys]
    return ";".join(f"{key}={value}" for key, value in parts)


rules = anything | assembled(TOKENS, max_size=14) | structured_rules()
starts = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2098, 12, 31),
    timezones=st.just(recurrence.PARIS),
)


@given(rules, starts)
# Found by this test: a UTC end that is not a date raised ValueError, INTERVAL=0 repeated the
# first date for ever, and a rule with no date (30 February) searched until the year 9999.
@example("FREQ=DAILY;UNTIL=BADZ", datetime(2026, 1, 5, 9, tzinfo=recurrence.PARIS))
@example("FREQ=DAILY;UNTIL=00010101T000000Z", datetime(2026, 1, 5, 9, tzinfo=recurrence.PARIS))
@example("FREQ=DAILY;INTERVAL=0", datetime(2026, 1, 5, 9, tzinfo=recurrence.PARIS))
@example("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", datetime(2026, 1, 5, 9, tzinfo=recurrence.PARIS))
def test_any_rule_is_accepted_or_refused_in_french(rule, start):
    for check in (recurrence.validate_rrule, split_rule):
        try:
            check(rule) if check is split_rule else check(rule, start=start)
        except ValidationError as error:
            assert_french(error)
    try:
        recurrence.validate_rrule(rule, start=start)
    except ValidationError:
        return
    # What the validator accepts expands quickly, within the bounds, for any window.
    window_start = start - timedelta(days=90)
    found = recurrence.expand(
        start=start, rule=rule, window_start=window_start, window_end=start + timedelta(days=550)
    )
    assert len(found) <= 2 * recurrence.MAX_OCCURRENCES


@given(rules)
@example("FREQ=WEEKLY;INTERVAL=X")  # raised ValueError where the widget shows a kept rule
@example("FREQ=MONTHLY;BYDAY=+-MO")
def test_a_rule_the_syntax_accepts_can_always_be_described(rule):
    try:
        split_rule(rule)
    except ValidationError:
        return
    assert isinstance(recurrence.describe(rule), str)


# --- The controls: what they write, they show back --------------------------------------------


@st.composite
def recurrences(draw):
    repeat = draw(st.sampled_from([value for value in Repeat.values if value != Repeat.KEEP]))
    days = ()
    if repeat in (Repeat.WEEKLY, Repeat.WEEKS):
        days = tuple(day for day in WEEKDAYS if draw(st.booleans()))
    end = draw(st.sampled_from(End.values)) if repeat else End.NEVER
    return Recurrence(
        repeat=repeat,
        days=days,
        interval=draw(st.integers(min_value=2, max_value=MAX_INTERVAL))
        if repeat == Repeat.WEEKS
        else 1,
        ordinal=draw(st.sampled_from([1, 2, 3, 4, -1])) if repeat == Repeat.MONTH_NTH else 1,
        weekday=draw(st.sampled_from(WEEKDAYS)) if repeat == Repeat.MONTH_NTH else "MO",
        end=end,
        until=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
        if end == End.UNTIL
        else None,
        count=draw(st.integers(min_value=1, max_value=1000)) if end == End.COUNT else None,
    )


@given(recurrences())
def test_the_controls_show_back_the_rule_they_write(shown):
    rule = shown.to_rrule()
    assert Recurrence.from_rrule(rule) == shown
    field = RecurrenceField()
    # Posted as the controls' inputs or as a plain rule, it cleans to the same rule.
    assert field.clean(shown.as_inputs()) == rule
    assert field.clean(rule) == rule


@given(recurrences(), starts)
def test_a_rule_from_the_controls_completed_by_its_start_stays_readable(shown, start):
    rule = shown.to_rrule()
    assume(rule)
    try:
        completed = RecurrenceField().clean_with_start(rule, start)
    except ValidationError as error:
        assert_french(error)
        return
    if shown.repeat in (Repeat.WEEKLY, Repeat.WEEKS) and not shown.days:
        assert f"BYDAY={WEEKDAYS[start.weekday()]}" in completed
    assert recurrence.describe(completed)


@st.composite
def hostile_inputs(draw):
    texts = st.sampled_from(["", "1", "0", "-1", "53", "1001", "99999999999"]) | anything
    return {
        "repeat": draw(st.sampled_from([*Repeat.values, "hourly"]) | anything),
        "days": draw(st.lists(st.sampled_from(WEEKDAYS) | anything, max_size=3)),
        "interval": draw(texts),
        "ordinal": draw(texts),
        "weekday": draw(st.sampled_from(WEEKDAYS) | anything),
        "end": draw(st.sampled_from(End.values) | anything),
        "until": draw(
            st.sampled_from(["2027-06-30", "30/06/2027", "0001-01-01", "9999-12-31", "31/02/2027"])
            | anything
        ),
        "count": draw(texts),
        "kept": draw(rules),
    }


@given(hostile_inputs())
# A blank end date sent back with an error raised AttributeError while the form was shown again.
@example({"repeat": "", "days": [], "end": "never", "until": " ", "kept": ""})
def test_anything_posted_to_the_controls_is_cleaned_or_refused_in_french_and_shown_back(raw):
    field = RecurrenceField()
    try:
        rule = field.clean(raw)
    except ValidationError as error:
        assert_french(error)
    else:
        recurrence.validate_rrule(rule)
    html = RecurrenceWidget().render("recurrence", raw)
    assert "<script>" not in html


# --- Expansion --------------------------------------------------------------------------------


@given(
    recurrences(),
    starts,
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(recurrence.PARIS),
    ),
    st.integers(min_value=0, max_value=800),
)
def test_expansion_is_bounded_ordered_inside_the_window_and_at_the_same_wall_time(
    shown, start, window_start, days
):
    rule = shown.to_rrule()
    window_end = window_start + timedelta(days=days)
    starts_found = recurrence.expand(
        start=start, rule=rule, window_start=window_start, window_end=window_end
    )
    assert len(starts_found) <= 2 * recurrence.MAX_OCCURRENCES
    assert starts_found == sorted(starts_found)
    assert all(window_start <= found <= window_end for found in starts_found)
    wall = start.astimezone(recurrence.PARIS)
    if wall.hour not in (2, 3):  # the hour a spring change skips
        assert all((found.hour, found.minute) == (wall.hour, wall.minute) for found in starts_found)
    if shown.end == End.COUNT:
        assert len(starts_found) <= shown.count
    if shown.end == End.UNTIL:
        assert all(found.date() <= shown.until for found in starts_found)


# --- Exception dates ----------------------------------------------------------------------------


@given(st.lists(st.dates(min_value=date(1000, 1, 1)), max_size=5), st.booleans())
def test_exception_dates_read_back_as_written(days, french):
    text = "\n".join(day.strftime("%d/%m/%Y") if french else day.isoformat() for day in days)
    assert recurrence.parse_exceptions(text) == days


@given(anything | assembled(["2027", "-", "/", "06", "31", "02", "\n", " ", "0001"]))
def test_any_exception_text_is_read_or_refused_in_french(text):
    try:
        recurrence.parse_exceptions(text)
    except ValidationError as error:
        assert_french(error)
