"""Opening hours: the OSM parser, the French wording, the weekly grid and its form field."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from django.core.exceptions import ValidationError
from django.http import QueryDict

from structures import opening_hours as oh
from structures.widgets import OpeningHoursField, OpeningHoursWidget

from .hostile import anything, assembled, assert_french

TOKENS = [
    *oh.DAY_KEYS,
    *oh.MONTH_KEYS,
    "PH",
    "SH",
    "off",
    "closed",
    "open",
    "unknown",
    "24/7",
    "week",
    "2026",
    "09:00",
    "12:00",
    "24:00",
    "9h",
    "25:61",
    "sunrise",
    "-",
    "–",
    ",",
    ";",
    " ",
    "||",
    '"',
    '"sur rendez-vous"',
    ":",
    "+",
    "/",
    "[1]",
    "[-1]",
    "lundi",
    "fermé",
    "01",
    "31",
]
expressions = anything | assembled(TOKENS, max_size=16)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
)


@given(expressions, moments)
def test_any_text_is_valid_hours_or_a_french_refusal(value, moment):
    try:
        oh.validate_opening_hours(value)
    except ValidationError as error:
        assert_french(error)
        return
    # Whatever the validator lets through, every reader of the hours can read.
    if value.strip():
        assert oh.compile_opening_hours(value) is not None
    state = oh.status(value, at=moment)
    assert state.state in (oh.OPEN, oh.CLOSED, oh.UNKNOWN)
    assert state.label
    day = moment.date()
    assert isinstance(oh.is_open_during(value, day=day, part="matin"), bool)
    rows = oh.weekly_table(value, week_of=day)
    assert len(rows) in (0, 7)
    assert all(row.text for row in rows)


@given(anything)
def test_the_raw_box_and_the_grid_reader_never_fail(value):
    oh.normalize_raw(value)
    oh.grid_from_osm(value)
    oh.grid_from_osm(value, tolerant=True)
    oh.parse_closure(value)


# --- The grid: what it writes, it reads back ---------------------------------------------------

minutes = st.integers(min_value=0, max_value=1439)


@st.composite
def day_ranges(draw):
    ranges = []
    for _slot in range(draw(st.integers(min_value=0, max_value=2))):
        start = draw(minutes)
        end = draw(st.integers(min_value=1, max_value=1440))
        if end != start:
            ranges.append((start, end))
    return sorted(ranges)


@st.composite
def closures(draw):
    yearly = draw(st.booleans())
    if yearly:
        start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)))
        length = draw(st.integers(min_value=0, max_value=364))
    else:
        start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
        length = draw(st.integers(min_value=0, max_value=800))
    end = start + timedelta(days=length)
    return oh.Closure(start, end if end != start else None, yearly)


@st.composite
def grids(draw):
    grid = oh.WeeklyGrid()
    grid.days = [draw(day_ranges()) for _day in range(7)]
    grid.closed_on_public_holidays = draw(st.booleans())
    grid.closures = list(dict.fromkeys(draw(st.lists(closures(), max_size=3))))
    return grid


@given(closures())
def test_a_closure_reads_back_as_written(closure):
    assert oh.parse_closure(closure.to_osm()) == closure
    assert closure.describe().startswith("fermé")


@given(grids())
def test_the_grid_reads_back_what_it_writes(grid):
    written = grid.to_osm()
    assume(written)
    oh.validate_opening_hours(written)
    read = oh.grid_from_osm(written)
    assert read is not None, written
    assert read.to_osm() == written
    assert read.closed_on_public_holidays == grid.closed_on_public_holidays
    assert read.closures == grid.closures


def _posted(grid: oh.WeeklyGrid, name: str = "horaires") -> QueryDict:
    data = QueryDict(mutable=True)
    data[f"{name}_mode"] = "grid"
    for key, ranges in zip(oh.DAY_KEYS, grid.days, strict=True):
        for slot, (start, end) in enumerate(ranges):
            data[f"{name}_{key.lower()}_{slot}_start"] = "{:02d}:{:02d}".format(*divmod(start, 60))
            data[f"{name}_{key.lower()}_{slot}_end"] = "{:02d}:{:02d}".format(*divmod(end, 60))
    if grid.closed_on_public_holidays:
        data[f"{name}_ph"] = "on"
    data.setlist(f"{name}_closure", [closure.to_osm() for closure in grid.closures])
    return data


@given(grids())
def test_the_form_field_cleans_what_the_grid_posts_to_the_grid_s_own_string(grid):
    widget = OpeningHoursWidget(today=date(2026, 3, 2))
    value = widget.value_from_datadict(_posted(grid), {}, "horaires")
    if not any(grid.days):
        return  # unknown hours: closures alone are refused, as the validator says
    assert value == grid.to_osm()
    assert OpeningHoursField(widget=widget).clean(value) == value


# --- Whatever is posted to the field ------------------------------------------------------------

clock_texts = st.sampled_from(["", "9", "9h", "9h30", "09:00", "24:00", "24h01", "25", "x"]) | (
    anything
)


@st.composite
def hostile_posts(draw):
    data = QueryDict(mutable=True)
    data["horaires_mode"] = draw(st.sampled_from(["grid", "raw", "", "<script>"]))
    data["horaires"] = draw(expressions)
    for key in draw(st.lists(st.sampled_from(oh.DAY_KEYS), max_size=3)):
        for slot in range(2):
            data[f"horaires_{key.lower()}_{slot}_start"] = draw(clock_texts)
            data[f"horaires_{key.lower()}_{slot}_end"] = draw(clock_texts)
    data["horaires_ph"] = draw(st.sampled_from(["", "on"]))
    data.setlist("horaires_closure", draw(st.lists(expressions, max_size=2)))
    for part in ("start", "end"):
        data[f"horaires_closure_{part}"] = draw(
            st.sampled_from(["", "2026-12-24", "24/12/2026", "31/02/2026", "0001-01-01"]) | anything
        )
    return data


@given(hostile_posts())
def test_anything_posted_to_the_field_is_cleaned_or_refused_in_french_and_shown_back(data):
    widget = OpeningHoursWidget(today=date(2026, 3, 2))
    field = OpeningHoursField(widget=widget)
    value = widget.value_from_datadict(data, {}, "horaires")
    try:
        field.clean(value)
    except ValidationError as error:
        assert_french(error)
    html = widget.render("horaires", value)
    assert "<script>" not in html
