"""Dates typed or sent by people and files: read, or refused in French, never an error."""

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from django.core.exceptions import ValidationError

from agenda import recurrence_field
from agenda.periods import Month
from structures import widgets

from .hostile import anything, assembled, assert_french

date_texts = anything | assembled(
    ["2027", "0001", "9999", "0000", "-", "/", ".", "06", "30", "31", "02", "13", " ", "T", "٢"]
)


@given(st.dates())
def test_a_date_picker_s_value_and_a_typed_date_read_back_as_the_same_day(day):
    assert widgets._loose_date(day.isoformat()) == day
    if day.year >= 1000:
        assert widgets._loose_date(day.strftime("%d/%m/%Y")) == day
    try:
        read = recurrence_field._date(day.isoformat())
    except ValidationError as error:  # outside 2000–2100
        assert_french(error)
        assert not 2000 <= day.year <= 2100
    else:
        assert read == day


@given(date_texts)
def test_any_date_text_is_a_day_nothing_or_a_french_refusal(text):
    assert widgets._loose_date(text) is None or isinstance(widgets._loose_date(text), date)
    try:
        recurrence_field._date(text)
    except ValidationError as error:
        assert_french(error)


@given(st.integers(min_value=1, max_value=9998), st.integers(min_value=1, max_value=12))
def test_a_month_reads_back_from_its_code(year, month):
    shown = Month(year, month)
    assert Month.parse(shown.code) == shown
    assert shown.first <= shown.last


@given(date_texts)
@example("0000-01")
@example("9999-12")
def test_any_month_text_is_a_month_with_real_days_or_nothing(text):
    month = Month.parse(text)
    if month is not None:
        assert month.first <= month.last
        assert month.previous < month < month.next
