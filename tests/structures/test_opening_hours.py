"""Opening hours: validation, grid, closures, weekly table, status, the directory's filter.

Everything runs against the real opening-hours-py; the facts this module relies on about the
library are tested here too (holidays need the country, ISO week parity across the new year,
overnight ranges), so that an upgrade that changes them fails loudly.
"""

import re
import time as clock
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from opening_hours import OpeningHours

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from structures import opening_hours as oh
from structures.opening_hours import (
    Closure,
    WeeklyGrid,
    add_closures,
    compile_opening_hours,
    grid_from_osm,
    is_open_during,
    normalize_raw,
    parse_closure,
    status,
    table_context,
    validate_opening_hours,
    weekly_table,
)
from structures.widgets import OpeningHoursField, OpeningHoursWidget

PARIS = ZoneInfo("Europe/Paris")
SAMPLE = "week 1-53/2 Mo 09:30-12:30; PH off"  # samples/bus-france-services-charente-v0.json


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def error_of(value) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_opening_hours(value)
    return caught.value.messages[0]


# --- Validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_hours_are_valid_and_mean_unknown(value):
    validate_opening_hours(value)


@pytest.mark.parametrize(
    "value",
    [
        "Mo-Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00; PH off",
        SAMPLE,
        "24/7",
        'Mo-Fr 09:00-12:00; We 14:00-17:00 "sur rendez-vous"',
        "Mo-Fr 09:00-12:00; PH off; 2026 Dec 24 off; Aug off",
        "Fr 20:00-02:00",
        "off",
    ],
)
def test_valid_osm_hours_pass(value):
    validate_opening_hours(value)


def test_hours_written_the_french_way_get_a_message_quoting_the_rule_and_the_fix():
    assert error_of("Mo-Fr 9h-12") == (
        "Horaires illisibles près de « Mo-Fr 9h-12 » : écrivez les heures ainsi : 09:00-12:00."
    )


def test_the_message_quotes_the_rule_that_is_wrong_not_the_whole_value():
    message = error_of("Mo-Fr 09:00-12:00; Sa 10h-12h; PH off")
    assert "« Sa 10h-12h »" in message
    assert "Mo-Fr" not in message


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("Mo-Fr 09:00-", "l’heure de fermeture manque"),
        ("Mo-Fr -12:00", "l’heure d’ouverture manque"),
        ("Lu-Ve 09:00-12:00", "écrivez les jours en abrégé anglais"),
        ("Mo–Fr 09:00–12:00", "tiret simple"),
        ("24h/24 7j/7", "24/7"),
        ("Mo-Fr 09:00-12:00 fermé le midi", "écrivez « off » pour fermé"),
        ("Mo-Fr 09:00-12:00;;", "supprimez le « ; » en trop"),
        ('Mo-Fr 09:00-12:00 "sur rendez-vous', "n’est pas refermé"),
        ("Mo-Fr 0900-1200", "écrivez les heures ainsi"),
        ("Mo-Fr 09:00-12:00 😀", "le caractère « 😀 »"),
        ("Mo-Fr 09:00-12:00 Sa", "vérifiez la syntaxe"),
    ],
)
def test_common_mistakes_get_a_plain_french_hint(value, hint):
    message = error_of(value)
    assert message.startswith("Horaires illisibles près de « ")
    assert hint in message


def test_a_range_that_starts_and_ends_at_the_same_time_is_refused():
    # The library reads 09:00-09:00 as 24 hours from 09:00; nobody means that in a form.
    assert OpeningHours("Mo 09:00-09:00").is_open(datetime(2026, 1, 6, 8, 0))
    assert "commence et finit à la même heure" in error_of("Mo 09:00-09:00")


@pytest.mark.parametrize("value", ["PH off", "2026 Dec 24 off", "Aug off; PH off"])
def test_closures_without_usual_hours_are_refused(value):
    assert error_of(value).startswith("Indiquez aussi les horaires habituels")


def test_a_value_over_1000_characters_is_refused_without_parsing():
    message = error_of("Mo 09:00-12:00; " * 700)
    assert message.startswith("Horaires trop longs")
    assert "1\u202f000" in message or "1 000" in message or "1\xa0000" in message


HOSTILE = [
    "a" * 10_000,
    "(" * 999,
    '"' * 999,
    "Mo-Fr 09:00-12:00\x00",
    "Mo\x07-Fr",
    "Mo-Fr\t09:00-12:00",
    "Mo-Fr 09:00-12:00\nSa 10:00-12:00",
    "Mo-Fr \u202e09:00-12:00",  # right-to-left override
    "🕘🕛" * 400,
    'Mo "a" "b" "c',
    "Mo-Fr " + ",".join(["09:00-12:00"] * 80) + " Sa",
    "9" * 1000,
    ";" * 1000,
    "\ud800",  # a lone surrogate
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_gets_a_french_error_quickly(value):
    started = clock.perf_counter()
    message = error_of(value)
    elapsed = clock.perf_counter() - started
    assert "oraires" in message  # « Horaires … » or « Les horaires … »
    assert elapsed < 0.05


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_breaks_status_table_or_grid(value):
    at = paris(2026, 6, 1, 10)
    assert status(value, at=at).state == "unknown"
    assert weekly_table(value, week_of=at.date()) == []
    assert is_open_during(value, day=at.date(), part="matin") is False
    grid_from_osm(value)
    grid_from_osm(value, tolerant=True)


def test_the_validator_serves_a_django_field():
    field = forms.CharField(validators=[validate_opening_hours], required=False)
    assert field.clean("Mo-Fr 09:00-12:00; PH off") == "Mo-Fr 09:00-12:00; PH off"
    with pytest.raises(ValidationError):
        field.clean("Mo-Fr 9h-12h")


# --- What the library does (facts this module relies on) ---------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 25),  # Noël
        date(2027, 1, 1),  # Jour de l'an
        date(2027, 3, 29),  # Lundi de Pâques
        date(2026, 7, 14),
        date(2026, 11, 1),
        date(2026, 11, 11),
    ],
)
def test_public_holidays_are_french_ones(day):
    assert status(
        "Mo-Su 09:00-12:00; PH off", at=paris(day.year, day.month, day.day, 10)
    ).state == ("closed")


def test_an_ordinary_day_is_not_a_public_holiday():
    assert status("Mo-Su 09:00-12:00; PH off", at=paris(2026, 11, 2, 10)).is_open


def test_the_library_knows_no_holidays_without_a_country_which_is_why_we_pass_france():
    assert OpeningHours("Mo-Su 09:00-12:00; PH off").is_open(datetime(2026, 12, 25, 10))


def test_the_library_refuses_aware_datetimes_without_a_zoneinfo_so_status_converts_them():
    hours = OpeningHours("Mo-Su 09:00-12:00", timezone=PARIS)
    with pytest.raises(TypeError):
        hours.is_open(datetime(2026, 6, 1, 8, tzinfo=UTC))
    assert status("Mo-Su 09:00-12:00", at=datetime(2026, 6, 1, 8, tzinfo=UTC)).is_open


# Week numbers are ISO weeks. 2026 has 53 of them: week 53 runs from Mon 2026-12-28 to
# Sun 2027-01-03, then week 1 of 2027 starts on Mon 2027-01-04. "week 1-53/2" means weeks 1, 3,
# …, 53, so weeks 53 and 1 are both odd and follow each other: an every-other-week place opens
# two weeks running across the new year. opening-hours-py follows the syntax exactly; so do we.


@pytest.mark.parametrize(
    ("day", "is_open"),
    [
        (date(2026, 12, 21), False),  # week 52
        (date(2026, 12, 28), True),  # week 53
        (date(2027, 1, 4), True),  # week 1
        (date(2027, 1, 11), False),  # week 2
    ],
)
def test_alternate_monday_opens_in_both_week_53_and_week_1(day, is_open):
    at = paris(day.year, day.month, day.day, 10)
    assert status(SAMPLE, at=at).is_open is is_open


def test_alternate_friday_opens_on_new_years_day_in_week_53_unless_holidays_are_off():
    rule = "week 1-53/2 Fr 09:00-12:00"
    assert status(rule, at=paris(2027, 1, 1, 10)).is_open
    assert status(rule, at=paris(2027, 1, 8, 10)).is_open
    closed = status(rule + "; PH off", at=paris(2027, 1, 1, 10))
    assert not closed.is_open
    assert closed.next_change == paris(2027, 1, 8, 9)
    assert closed.label == "Fermé — ouvre le vendredi 8 janvier à 9 h"


def test_alternate_week_table_shows_week_53_open_and_week_52_closed():
    assert weekly_table(SAMPLE, week_of=date(2026, 12, 30))[0].text == "9 h 30 – 12 h 30"
    assert weekly_table(SAMPLE, week_of=date(2026, 12, 23))[0].text == "Fermé"
    assert weekly_table(SAMPLE, week_of=date(2027, 1, 6))[0].text == "9 h 30 – 12 h 30"


# --- Status ------------------------------------------------------------------------------------


def test_overnight_place_is_open_after_midnight_and_closes_at_two():
    result = status("Fr 20:00-02:00", at=paris(2027, 1, 9, 1))  # Saturday 01:00
    assert result.is_open
    assert result.label == "Ouvert maintenant — ferme à 2 h"
    assert result.next_change == paris(2027, 1, 9, 2)


def test_overnight_place_in_the_evening_closes_tomorrow_at_two():
    assert status("Fr 20:00-02:00", at=paris(2027, 1, 8, 21)).label == (
        "Ouvert maintenant — ferme demain à 2 h"
    )


def test_overnight_place_after_closing_opens_next_friday():
    assert status("Fr 20:00-02:00", at=paris(2027, 1, 9, 3)).label == (
        "Fermé — ouvre vendredi à 20 h"
    )


def test_closed_on_christmas_friday_and_opens_on_monday():
    result = status("Mo-Fr 09:00-12:00; PH off", at=paris(2026, 12, 25, 10))
    assert not result.is_open
    assert result.next_change == paris(2026, 12, 28, 9)
    assert result.label == "Fermé — ouvre lundi à 9 h"


def test_new_years_day_is_skipped_when_looking_for_the_next_opening():
    result = status("Mo-Fr 09:00-12:00; PH off", at=paris(2026, 12, 31, 13))
    assert result.next_change == paris(2027, 1, 4, 9)
    assert result.label == "Fermé — ouvre lundi à 9 h"


@pytest.mark.parametrize(
    ("at", "closes_utc"),
    [
        (datetime(2026, 3, 29, 8, tzinfo=UTC), datetime(2026, 3, 29, 10, tzinfo=UTC)),  # summer
        (datetime(2026, 10, 25, 9, tzinfo=UTC), datetime(2026, 10, 25, 11, tzinfo=UTC)),  # winter
    ],
)
def test_sunday_morning_on_the_days_clocks_change_closes_at_noon_paris(at, closes_utc):
    result = status("Su 09:00-12:00", at=at)  # 10:00 in Paris on both days
    assert result.is_open
    assert result.label == "Ouvert maintenant — ferme à 12 h"
    assert result.next_change == closes_utc
    assert result.next_change.astimezone(PARIS).hour == 12


def test_an_hour_that_does_not_exist_in_spring_does_not_break_the_status():
    result = status("Su 01:00-02:30", at=paris(2026, 3, 29, 1, 30))
    assert result.is_open
    assert result.next_change == datetime(2026, 3, 29, 1, tzinfo=UTC)  # 03:00 summer time


def test_closed_before_the_afternoon_opens_at_half_past_two():
    hours = "Mo-Fr 09:00-12:00,14:30-17:00"
    assert status(hours, at=paris(2027, 1, 8, 13)).label == "Fermé — ouvre à 14 h 30"
    assert status(hours, at=paris(2027, 1, 7, 18)).label == "Fermé — ouvre demain à 9 h"
    assert status(hours, at=paris(2027, 1, 7, 12, 30)).label == "Fermé — ouvre à 14 h 30"
    assert status(hours, at=paris(2027, 1, 7, 15)).label == "Ouvert maintenant — ferme à 17 h"


def test_an_opening_more_than_six_days_away_gives_the_date():
    assert status("Mo 09:00-12:00", at=paris(2027, 1, 4, 13)).label == (
        "Fermé — ouvre le lundi 11 janvier à 9 h"
    )
    assert status("Mo 09:00-12:00; 2027 Jan 04 off", at=paris(2026, 12, 30, 13)).label == (
        "Fermé — ouvre le lundi 11 janvier 2027 à 9 h"
    )


def test_a_place_closing_at_midnight_says_midnight():
    assert status("Mo 10:00-24:00", at=paris(2027, 1, 4, 13)).label == (
        "Ouvert maintenant — ferme à minuit"
    )


def test_empty_hours_are_unknown():
    result = status("", at=paris(2027, 1, 4, 13))
    assert (result.state, result.is_open, result.is_known) == ("unknown", False, False)
    assert result.label == "Horaires non renseignés"
    assert result.next_change is None


def test_unreadable_stored_hours_are_to_be_confirmed():
    assert status("Mo-Fr 9h-12h", at=paris(2027, 1, 4, 13)).label == "Horaires à confirmer"


def test_hours_marked_unknown_are_to_be_confirmed():
    result = status("Mo-Fr unknown", at=paris(2027, 1, 4, 13))
    assert (result.state, result.label) == ("unknown", "Ouverture à confirmer")


def test_a_place_open_round_the_clock_never_closes():
    result = status("24/7", at=paris(2027, 1, 4, 3))
    assert result.is_open
    assert result.label == "Ouvert maintenant"
    assert result.next_change is None


def test_a_comment_is_given_apart_from_the_label():
    result = status('Mo-Fr 09:00-12:00 "sur rendez-vous"', at=paris(2027, 1, 4, 10))
    assert result.label == "Ouvert maintenant — ferme à 12 h"
    assert result.comment == "sur rendez-vous"


def test_status_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        status("24/7", at=datetime(2027, 1, 4, 10))


@time_machine.travel(paris(2027, 1, 8, 10, 30), tick=False)
def test_status_defaults_to_now():
    assert status("Fr 09:00-12:00").label == "Ouvert maintenant — ferme à 12 h"


def test_compiled_hours_are_cached_per_string():
    assert compile_opening_hours("Mo 09:00-12:00") is compile_opening_hours("Mo 09:00-12:00")
    assert compile_opening_hours("") is None
    assert compile_opening_hours("Mo 9h") is None


def two_hundred_distinct_hours() -> list[str]:
    """Realistic shapes, each made distinct by its opening minute."""
    shapes = [
        "Mo-Fr {t}-12:00,14:00-17:00; Sa 10:00-12:00; PH off",
        "week 1-53/2 Mo {t}-12:30; PH off",
        "Tu,Th {t}-12:00; We 14:00-18:00; PH off; Aug off",
        "Mo-Sa {t}-19:00; Su 10:00-13:00; PH off; 2026 Dec 24 off",
    ]
    return [
        shapes[n % 4].format(t="{:02d}:{:02d}".format(*divmod(7 * 60 + n, 60))) for n in range(200)
    ]


def test_status_of_200_distinct_places_takes_well_under_a_second():
    values = two_hundred_distinct_hours()
    assert len(set(values)) == 200
    oh._compile.cache_clear()
    at = paris(2026, 12, 24, 11)
    started = clock.perf_counter()
    for value in values:
        status(value, at=at)
    assert clock.perf_counter() - started < 1.0


# --- Exceptional closures ----------------------------------------------------------------------

BASE = "Mo-Fr 09:00-12:00; PH off"


def test_closed_on_christmas_eve_appends_a_dated_rule():
    value = add_closures(BASE, [date(2026, 12, 24)])
    assert value == "Mo-Fr 09:00-12:00; PH off; 2026 Dec 24 off"
    validate_opening_hours(value)
    assert not status(value, at=paris(2026, 12, 24, 10)).is_open  # a Thursday
    assert status(value, at=paris(2026, 12, 23, 10)).is_open
    assert status(value, at=paris(2027, 12, 24, 10)).is_open  # that year only


def test_closed_in_august_every_year():
    value = add_closures(BASE, [Closure(date(2026, 8, 1), date(2026, 8, 31), yearly=True)])
    assert value.endswith("; Aug off")
    for day in (date(2026, 8, 3), date(2027, 8, 16), date(2026, 8, 31)):
        assert not is_open_during(value, day=day, part="matin")
    assert is_open_during(value, day=date(2026, 9, 1), part="matin")
    assert is_open_during(value, day=date(2026, 7, 31), part="matin")


def test_closed_in_august_2026_only():
    value = add_closures(BASE, [(date(2026, 8, 1), date(2026, 8, 31))])
    assert value.endswith("; 2026 Aug off")
    assert not is_open_during(value, day=date(2026, 8, 10), part="matin")
    assert is_open_during(value, day=date(2027, 8, 10), part="matin")


def test_a_closure_across_the_new_year():
    value = add_closures(BASE, [(date(2027, 1, 2), date(2026, 12, 24))])  # any order
    assert value.endswith("; 2026 Dec 24-2027 Jan 02 off")
    assert not is_open_during(value, day=date(2026, 12, 31), part="matin")
    assert is_open_during(value, day=date(2027, 1, 4), part="matin")


def test_closures_are_not_repeated():
    once = add_closures(BASE, [date(2026, 12, 24)])
    assert add_closures(once, [date(2026, 12, 24), date(2026, 12, 24)]) == once


def test_closures_need_usual_hours():
    with pytest.raises(ValueError, match="usual hours"):
        add_closures("", [date(2026, 12, 24)])


@pytest.mark.parametrize(
    ("closure", "rule", "description"),
    [
        (Closure(date(2026, 12, 24)), "2026 Dec 24 off", "fermé le 24 décembre 2026"),
        (Closure(date(2027, 1, 1)), "2027 Jan 01 off", "fermé le 1er janvier 2027"),
        (
            Closure(date(2026, 12, 24), yearly=True),
            "Dec 24 off",
            "fermé le 24 décembre, chaque année",
        ),
        (
            Closure(date(2026, 8, 1), date(2026, 8, 31)),
            "2026 Aug off",
            "fermé en août 2026",
        ),
        (
            Closure(date(2026, 8, 1), date(2026, 8, 31), yearly=True),
            "Aug off",
            "fermé en août, chaque année",
        ),
        (
            Closure(date(2026, 8, 3), date(2026, 8, 21)),
            "2026 Aug 03-2026 Aug 21 off",
            "fermé du 3 au 21 août 2026",
        ),
        (
            Closure(date(2026, 7, 1), date(2026, 8, 31)),
            "2026 Jul-Aug off",
            "fermé du 1er juillet au 31 août 2026",
        ),
        (
            Closure(date(2026, 12, 24), date(2027, 1, 2)),
            "2026 Dec 24-2027 Jan 02 off",
            "fermé du 24 décembre 2026 au 2 janvier 2027",
        ),
        (
            Closure(date(2000, 12, 24), date(2001, 1, 2), yearly=True),
            "Dec 24-Jan 02 off",
            "fermé du 24 décembre au 2 janvier, chaque année",
        ),
    ],
)
def test_closures_are_written_in_osm_and_described_in_french(closure, rule, description):
    assert closure.to_osm() == rule
    assert closure.describe() == description
    parsed = parse_closure(rule)
    assert parsed.to_osm() == rule
    assert parsed.describe() == description
    validate_opening_hours(f"{BASE}; {rule}")


@pytest.mark.parametrize(
    "rule", ["2026 Aug 03-21 off", "Jul-Aug closed", "Nov-Feb off", "2026 Feb 29 off"]
)
def test_closures_typed_by_hand_are_read_or_left_alone(rule):
    closure = parse_closure(rule)
    if rule == "2026 Feb 29 off":  # not a date
        assert closure is None
    else:
        assert OpeningHours(f"{BASE}; {closure.to_osm()}")


# --- Weekly table ------------------------------------------------------------------------------


def test_christmas_week_table_in_french():
    rows = weekly_table("Mo-Fr 09:00-12:00,14:00-17:00; PH off", week_of=date(2026, 12, 24))
    assert [row.name for row in rows] == [
        "Lundi",
        "Mardi",
        "Mercredi",
        "Jeudi",
        "Vendredi",
        "Samedi",
        "Dimanche",
    ]
    assert rows[0].day == date(2026, 12, 21)
    assert rows[0].ranges == ("9 h – 12 h", "14 h – 17 h")
    assert rows[4].text == "Fermé"  # Noël
    assert rows[5].closed and rows[6].closed


def test_table_shows_exceptional_closure_on_thursday_24_december():
    value = add_closures("Mo-Fr 09:00-12:00", [date(2026, 12, 24)])
    rows = weekly_table(value, week_of=date(2026, 12, 21))
    assert rows[3].text == "Fermé"
    assert rows[2].text == "9 h – 12 h"


def test_table_shows_an_overnight_range_on_the_day_it_starts():
    rows = weekly_table("Fr 20:00-02:00", week_of=date(2027, 1, 6))
    assert rows[4].text == "20 h – 2 h"
    assert rows[5].text == "Fermé"
    assert rows[0].text == "Fermé"  # Sunday night's spill is last week's


def test_table_keeps_the_minutes_and_midnight():
    rows = weekly_table("Mo 08:30-12:15; Tu 18:00-24:00", week_of=date(2027, 1, 6))
    assert rows[0].text == "8 h 30 – 12 h 15"
    assert rows[1].text == "18 h – minuit"


def test_table_of_a_place_open_round_the_clock():
    assert {row.text for row in weekly_table("24/7", week_of=date(2027, 1, 6))} == {"24 h/24"}


def test_table_over_the_change_to_summer_time():
    rows = weekly_table("Su 09:00-12:00", week_of=date(2026, 3, 29))
    assert rows[6].day == date(2026, 3, 29)
    assert rows[6].text == "9 h – 12 h"


def test_table_of_unknown_hours_is_empty():
    assert weekly_table("", week_of=date(2027, 1, 6)) == []


def test_table_template_is_an_accessible_table():
    context = table_context("Mo-Fr 09:00-12:00; PH off", week_of=date(2026, 12, 24))
    context["today"] = date(2026, 12, 24)
    html = render_to_string("structures/components/opening_hours_table.html", context)
    assert "<caption>Horaires de la semaine du lundi 21 décembre au dimanche 27 décembre 2026" in (
        html
    )
    assert html.count('<th scope="row">') == 7
    assert 'aria-current="date"' in html
    assert "25 décembre" in html


def test_table_template_says_when_hours_are_unknown():
    html = render_to_string(
        "structures/components/opening_hours_table.html",
        table_context("", week_of=date(2026, 12, 24)),
    )
    assert "Horaires non renseignés" in html
    assert "<table" not in html


def test_status_template_shows_the_label_and_comment():
    html = render_to_string(
        "structures/components/opening_hours_status.html",
        {"status": status('Mo 09:00-12:00 "sur rendez-vous"', at=paris(2027, 1, 4, 10))},
    )
    assert "Ouvert maintenant — ferme à 12 h" in html
    assert "opening-hours-status--open" in html
    assert "sur rendez-vous" in html


# --- Open during a part of the day -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "part", "expected"),
    [
        ("Fr 09:00-12:00", "matin", True),
        ("Fr 09:00-12:00", "apres-midi", False),
        ("Fr 12:00-14:00", "matin", False),  # opens exactly when the morning ends
        ("Fr 11:30-14:00", "matin", True),
        ("Fr 07:00-08:00", "matin", False),
        ("Fr 12:00-14:00", "apres-midi", True),
        ("Fr 20:00-02:00", "soir", True),
        ("Fr 17:00-18:00", "soir", False),
        ("Fr 09:00-12:00", None, True),
        ("Sa 09:00-12:00", None, False),
        ("", "matin", False),
    ],
)
def test_open_on_friday_8_january_during_part_of_the_day(value, part, expected):
    assert is_open_during(value, day=date(2027, 1, 8), part=part) is expected


def test_not_open_on_christmas_friday_morning():
    assert not is_open_during("Fr 09:00-12:00; PH off", day=date(2026, 12, 25), part="matin")


def test_an_unknown_part_of_the_day_is_an_error():
    with pytest.raises(ValueError, match="part"):
        is_open_during("24/7", day=date(2027, 1, 8), part="nuit")


# --- The weekly grid ---------------------------------------------------------------------------


def grid_of(days: dict[int, list[tuple[int, int]]], *, holidays=True) -> WeeklyGrid:
    grid = WeeklyGrid(closed_on_public_holidays=holidays)
    for day, ranges in days.items():
        grid.days[day] = ranges
    return grid


H = 60


def test_grid_groups_identical_days():
    both = [(9 * H, 12 * H), (14 * H, 17 * H)]
    grid = grid_of({0: both, 1: both, 3: both, 4: [(9 * H, 12 * H)]})
    assert grid.to_osm() == "Mo,Tu,Th 09:00-12:00,14:00-17:00; Fr 09:00-12:00; PH off"


def test_grid_writes_runs_of_days_as_ranges():
    grid = grid_of({day: [(9 * H, 12 * H)] for day in range(5)}, holidays=False)
    assert grid.to_osm() == "Mo-Fr 09:00-12:00"


def test_grid_with_every_day_round_the_clock_is_24_7():
    assert grid_of({day: [(0, 0)] for day in range(7)}, holidays=False).to_osm() == "24/7"


def test_empty_grid_means_unknown_hours():
    assert grid_of({}).to_osm() == ""


def test_grid_keeps_the_night_after_an_overnight_evening():
    grid = grid_of({4: [(20 * H, 2 * H)], 5: [(10 * H, 12 * H)]}, holidays=False)
    value = grid.to_osm()
    assert value == "Fr 20:00-02:00, Sa 10:00-12:00"
    # With "; " the Saturday rule would wipe out Friday night's spill past midnight.
    assert not OpeningHours("Fr 20:00-02:00; Sa 10:00-12:00").is_open(datetime(2027, 1, 9, 1))
    assert status(value, at=paris(2027, 1, 9, 1)).is_open
    assert status(value, at=paris(2027, 1, 9, 11)).is_open


@pytest.mark.parametrize(
    "value",
    [
        "Mo,Tu,Th 09:00-12:00,14:00-17:00; Fr 09:00-12:00; PH off",
        "Mo-Fr 09:00-12:00",
        "24/7",
        "Fr 20:00-02:00, Sa 10:00-12:00",
        "Mo-Fr 09:00-12:00; PH off; 2026 Dec 24 off; Aug off",
        "Tu 18:00-24:00",
    ],
)
def test_simple_hours_come_back_into_the_grid_unchanged(value):
    assert grid_from_osm(value).to_osm() == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Mo-Fr 9:00-12:00 ; PH closed", "Mo-Fr 09:00-12:00; PH off"),
        ("Mo-Sa 09:00-12:00; We off", "Mo,Tu,Th-Sa 09:00-12:00"),
        ("Sa-Mo 10:00-12:00", "Mo,Sa,Su 10:00-12:00"),
        ("09:00-12:00", "Mo-Su 09:00-12:00"),
        ("Mo-Fr 09:00-12:00; Fr 14:00-17:00", "Mo-Th 09:00-12:00; Fr 14:00-17:00"),
    ],
)
def test_equivalent_hours_come_back_into_the_grid_with_the_same_meaning(value, written):
    assert grid_from_osm(value).to_osm() == written


@pytest.mark.parametrize(
    "value",
    [
        SAMPLE,
        "Jul-Aug Mo-Fr 10:00-12:00",
        'Mo-Fr 09:00-12:00 "sur rendez-vous"',
        "Mo-Fr 09:00-12:00 || unknown",
        "Mo 08:00-09:00,10:00-11:00,12:00-13:00",
        "PH 10:00-12:00",
        "Aug off; Mo-Fr 09:00-12:00",
        "Mo[1] 09:00-12:00",
        "sunrise-sunset",
        # The Saturday rule cuts Friday night at midnight: the grid cannot say that.
        "Fr 20:00-02:00; Sa 10:00-12:00",
    ],
)
def test_hours_the_grid_cannot_show_stay_in_the_raw_syntax(value):
    assert grid_from_osm(value) is None


def test_a_new_place_starts_closed_on_public_holidays():
    grid = grid_from_osm("")
    assert grid.is_empty and grid.closed_on_public_holidays


def test_raw_syntax_typed_on_several_lines_becomes_one_string():
    assert normalize_raw("Mo-Fr 09:00-12:00;\r\n\r\nSa 10:00-12:00\nPH off;  ") == (
        "Mo-Fr 09:00-12:00; Sa 10:00-12:00; PH off"
    )


# --- The widget --------------------------------------------------------------------------------


class LieuForm(forms.Form):
    horaires = OpeningHoursField()


def grid_post(days: dict[str, list[tuple[str, str]]], **extra) -> dict:
    data = {"horaires_mode": "grid", "horaires": "ignored in grid mode"}
    for key in ("mo", "tu", "we", "th", "fr", "sa", "su"):
        for slot, (start, end) in enumerate(days.get(key, [])):
            data[f"horaires_{key}_{slot}_start"] = start
            data[f"horaires_{key}_{slot}_end"] = end
    data.update(extra)
    return data


class Inputs(HTMLParser):
    """Every form control, every label's target, fieldsets and legends of a rendering."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.fieldsets, self.legends = [], set(), 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "select") and attrs.get("type") != "hidden":
            self.controls.append(attrs)
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag == "fieldset":
            self.fieldsets += 1
        elif tag == "legend":
            self.legends += 1


def parse(html: str) -> Inputs:
    parser = Inputs()
    parser.feed(html)
    return parser


def test_grid_post_compiles_to_osm_grouping_identical_days():
    both = [("09:00", "12:00"), ("14:00", "17:00")]
    form = LieuForm(
        grid_post(
            {"mo": both, "tu": both, "th": both, "fr": [("09:00", "12:00")]}, horaires_ph="on"
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == (
        "Mo,Tu,Th 09:00-12:00,14:00-17:00; Fr 09:00-12:00; PH off"
    )


def test_grid_post_accepts_afternoon_only_and_times_typed_by_hand():
    form = LieuForm(grid_post({"we": [("", ""), ("14h", "17h30")], "sa": [("9", "12:00")]}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "We 14:00-17:30; Sa 09:00-12:00"


def test_grid_post_with_midnight_as_closing_time():
    form = LieuForm(grid_post({"fr": [("18:00", "00:00")]}))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Fr 18:00-24:00"


def test_empty_grid_post_means_unknown_hours_even_with_holidays_ticked():
    form = LieuForm(grid_post({}, horaires_ph="on"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == ""


def test_half_filled_grid_gets_a_french_error_and_comes_back_as_left():
    form = LieuForm(grid_post({"mo": [("09:00", "")]}))
    assert not form.is_valid()
    assert "l’heure de fermeture manque" in form.errors["horaires"][0]
    html = str(form["horaires"])
    assert 'name="horaires_mo_0_start" value="09:00"' in html
    assert 'value="grid" data-oh-mode aria-describedby="id_horaires_mode_help" checked' in html


def test_grid_post_adds_a_closure_and_drops_an_unticked_one():
    data = grid_post(
        {"mo": [("09:00", "12:00")]},
        horaires_ph="on",
        horaires_closure_start="2026-08-01",
        horaires_closure_end="2026-08-31",
        horaires_closure_yearly="on",
    )
    form = LieuForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Mo 09:00-12:00; PH off; Aug off"
    # Sent back with the August closure ticked and a new one-day closure, typed the French way.
    data = grid_post(
        {"mo": [("09:00", "12:00")]},
        horaires_closure=["Aug off"],
        horaires_closure_start="24/12/2026",
    )
    form = LieuForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Mo 09:00-12:00; Aug off; 2026 Dec 24 off"
    # The same closure entered again is written once.
    data = grid_post(
        {"mo": [("09:00", "12:00")]},
        horaires_closure=["Aug off"],
        horaires_closure_start="2027-08-01",
        horaires_closure_end="2027-08-31",
        horaires_closure_yearly="on",
    )
    form = LieuForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Mo 09:00-12:00; Aug off"
    # And with nothing ticked, the closures are gone.
    form = LieuForm(grid_post({"mo": [("09:00", "12:00")]}))
    assert form.is_valid()
    assert form.cleaned_data["horaires"] == "Mo 09:00-12:00"


def test_a_closure_date_that_is_not_a_date_is_quoted_in_the_error():
    form = LieuForm(grid_post({"mo": [("09:00", "12:00")]}, horaires_closure_start="Noël"))
    assert not form.is_valid()
    assert "Noël" in form.errors["horaires"][0]


def test_closures_without_hours_in_the_grid_ask_for_the_hours():
    form = LieuForm(grid_post({}, horaires_closure_start="2026-12-24"))
    assert not form.is_valid()
    assert form.errors["horaires"][0].startswith("Indiquez aussi les horaires habituels")


def test_raw_post_is_validated_and_normalised():
    form = LieuForm({"horaires_mode": "raw", "horaires": "Mo-Fr 09:00-12:00\nPH off"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["horaires"] == "Mo-Fr 09:00-12:00; PH off"
    form = LieuForm({"horaires_mode": "raw", "horaires": "Mo-Fr 9h-12"})
    assert form.errors["horaires"] == [
        "Horaires illisibles près de « Mo-Fr 9h-12 » : écrivez les heures ainsi : 09:00-12:00."
    ]


def test_a_post_without_the_widget_fields_reads_the_plain_value():
    form = LieuForm({"horaires": SAMPLE})
    assert form.is_valid()
    assert form.cleaned_data["horaires"] == SAMPLE
    assert OpeningHoursWidget().value_omitted_from_data({}, {}, "horaires")


@time_machine.travel(paris(2026, 12, 24, 10), tick=False)
def test_widget_renders_a_labelled_fieldset_per_day():
    form = LieuForm(initial={"horaires": "Mo-Fr 09:00-12:00,14:00-17:00; PH off; 2026 Aug off"})
    html = str(form["horaires"])
    found = parse(html)
    ids = [control["id"] for control in found.controls]
    assert len(ids) == len(set(ids))
    assert set(ids) <= found.labels, set(ids) - found.labels
    times = [control for control in found.controls if control.get("type") == "time"]
    assert len(times) == 7 * 4
    assert found.fieldsets == found.legends  # every fieldset has its legend
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"):
        assert f"<legend>{day}</legend>" in html
    assert "Horaires habituels, du lundi au dimanche" in html
    assert 'name="horaires_fr_1_end" value="17:00"' in html
    assert 'name="horaires_sa_0_start" value=""' in html
    assert re.search(r'name="horaires_ph" value="on"\s+checked', html)
    assert "Fermé en août 2026 (date passée)" in html
    assert "syntaxe OpenStreetMap" in html


@time_machine.travel(paris(2026, 12, 30, 10), tick=False)
def test_widget_shows_complex_hours_as_raw_syntax_with_an_explanation_and_a_preview():
    form = LieuForm(initial={"horaires": SAMPLE})
    html = str(form["horaires"])
    assert 'value="raw" data-oh-mode aria-describedby="id_horaires_mode_help" checked' in html
    assert "la grille ne sait pas montrer" in html
    assert f">{SAMPLE}</textarea>" in html
    assert "<caption>Horaires de la semaine du lundi 28 décembre" in html
    assert 'name="horaires_mo_0_start" value=""' in html  # the grid starts empty


def test_widget_declares_its_script_for_progressive_enhancement():
    assert "js/opening-hours-grid.js" in str(OpeningHoursWidget().media)


@pytest.mark.django_db
def test_widget_renders_in_a_wagtail_field_panel():
    from wagtail.admin.panels import FieldPanel, ObjectList

    from structures.models import LieuPage

    panel = ObjectList([FieldPanel("horaires", widget=OpeningHoursWidget)]).bind_to_model(LieuPage)
    form_class = panel.get_form_class()
    page = LieuPage(title="Espace numérique", horaires="Mo-Fr 09:00-12:00; PH off")
    form = form_class(instance=page, for_user=None)
    html = panel.get_bound_panel(instance=page, form=form, request=None).render_html()
    assert 'name="horaires_mo_0_start" value="09:00"' in html
    assert "<legend>Vendredi</legend>" in html
    data = grid_post({"sa": [("10:00", "12:00")]})
    data["title"] = "Espace numérique"
    form = form_class(data, instance=page, for_user=None)
    form.is_valid()
    assert "horaires" not in form.errors
    assert form.cleaned_data["horaires"] == "Sa 10:00-12:00"


def test_form_field_defaults_fit_the_model_field():
    field = OpeningHoursField()
    assert (field.max_length, field.required) == (1000, False)
    assert isinstance(field.widget, OpeningHoursWidget)
    assert field.clean("") == ""
    assert field.clean(None) == ""
    with pytest.raises(ValidationError):
        field.clean("Mo-Fr 9h-12h")
    with pytest.raises(ValidationError):
        field.clean("Mo 09:00-12:00; " * 70)
