"""Opening hours in the OpenStreetMap ``opening_hours`` syntax (the standard's ``horaires``).

Everything the site does with hours goes through here: validating what an editor typed (with a
French message that says what is wrong), the weekly grid that writes the syntax for people who
do not know it, exceptional closures, the weekly table, the "open now" status and the
directory's "open on Friday morning" filter.

Facts about opening-hours-py 2.1.4 that this module relies on (each one has a test):

- Public holidays (``PH``) are only known when the expression is compiled with
  ``country="FR"``; without it ``PH off`` silently never applies. We have no coordinates per
  place at compile time, so the country is passed explicitly (metropolitan France's calendar).
- Compiled with ``timezone=ZoneInfo("Europe/Paris")``, the library accepts naive datetimes
  (read as Paris wall-clock time) and aware ones whose ``tzinfo`` is a ``ZoneInfo`` (it reads
  ``tzinfo.key``: ``datetime.timezone.utc`` is refused with a TypeError). It returns aware
  Paris datetimes. We always convert to Paris ourselves before asking.
- Week numbers are ISO weeks. ``week 1-53/2`` means weeks 1, 3, …, 53: in an ISO year with 53
  weeks (2026), week 53 (2026-12-28 → 2027-01-03) and week 1 of 2027 (from 2027-01-04) are both
  odd, so an "every other week" place opens two weeks running across the new year. That is the
  syntax's meaning and the library follows it (open on Mon 2026-12-28 and Mon 2027-01-04, on
  Fri 2027-01-01 and Fri 2027-01-08); we do not second-guess it. ``PH off`` still wins on
  2027-01-01 when present.
- A rule for a day replaces that day entirely, including what the previous day's overnight
  range spilled into it: ``Fr 20:00-02:00; Sa 10:00-12:00`` is closed on Saturday at 01:00.
  The additional-rule separator (``, ``) keeps the spill, so the grid writes that when a day
  runs past midnight.
- ``09:00-09:00`` is accepted and means 24 hours from 09:00; nobody means that in a form, so
  the validator refuses it.
- Parsing is fast and linear even on hostile input (10,000 characters fail in well under a
  millisecond); we still cap the length before parsing, as the model field does.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, ParserError, State

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from website import page_cache

PARIS = ZoneInfo("Europe/Paris")
COUNTRY = "FR"
MAX_LENGTH = 1000
# Changes further away than this count as "never": bounds the work on expressions such as
# "2099 Mo 10:00-12:00" (a few milliseconds otherwise), and a place that reopens in more than
# a year is simply "Fermé".
MAX_INTERVAL_DAYS = 366
CACHE_SIZE = 4096

DAY_KEYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTH_KEYS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The directory's filter: "open at any moment of the slot".
DAY_PARTS = {
    "matin": (time(8), time(12)),
    "apres-midi": (time(12), time(18)),
    "soir": (time(18), time(22)),
}
DAY_PART_CHOICES = [
    ("matin", gettext_lazy("Le matin (8 h – 12 h)")),
    ("apres-midi", gettext_lazy("L’après-midi (12 h – 18 h)")),
    ("soir", gettext_lazy("Le soir (18 h – 22 h)")),
]

OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"


# --- Compiling ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile(value: str) -> OpeningHours | None:
    try:
        return OpeningHours(
            value, timezone=PARIS, country=COUNTRY, max_interval_days=MAX_INTERVAL_DAYS
        )
    except ParserError:
        return None


def compile_opening_hours(value: str | None) -> OpeningHours | None:
    """The compiled expression (cached per string), or None when empty, too long or invalid."""
    value = (value or "").strip()
    if not value or len(value) > MAX_LENGTH or _first_control_character(value) is not None:
        return None
    return _compile(value)


def _to_paris(moment: datetime | None) -> datetime:
    if moment is None:
        moment = timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("Opening hours are evaluated at an aware datetime.")
    # astimezone() with a ZoneInfo: the library reads tzinfo.key and refuses other tzinfos.
    return moment.astimezone(PARIS)


def _at_paris(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=PARIS)


# --- Validation --------------------------------------------------------------------------------

_TIME_RANGE_RE = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})(?![\d:])")
_COLUMN_RE = re.compile(r"-->\s*\d+:(\d+)")
_FRENCH_DAY_RE = re.compile(
    r"\b(lun|mar|mer|jeu|ven|sam|dim|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|lu|ma|me|je|ve|di)\b",
    re.IGNORECASE,
)
_FRENCH_WORD_RE = re.compile(
    r"(ferm[ée]e?s?|ouverte?s?|f[ée]ri[ée]s?|sauf|midi|matin|soir)", re.IGNORECASE
)
_HOUR_WITH_H_RE = re.compile(r"\d\s*[hH]")
_MISSING_END_RE = re.compile(r"\d{1,2}:\d{2}\s*-\s*(?=$|[;,]|\s+[A-Za-z])")
_MISSING_START_RE = re.compile(r"(?:^|[\s,])-\s*\d{1,2}:\d{2}")
_ROUND_THE_CLOCK_RE = re.compile(r"24\s*[hH]?\s*/\s*24|7\s*[jJ]\s*/\s*7")
_SHORT_TIME_RE = re.compile(
    r"(?<![\d:])(?:[01]?\d|2[0-4])[0-5]\d\s*-\s*(?:[01]?\d|2[0-4])[0-5]\d(?![\d:])"
    r"|(?<![\d:])\d{1,2}:\d(?!\d)"
)


def _first_control_character(value: str) -> int | None:
    for index, char in enumerate(value):
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return index
    return None


def _outside_quotes(value: str) -> str:
    """The expression with quoted comments blanked out (same length, so positions hold)."""
    return re.sub(r'"[^"]*"', lambda match: " " * len(match.group(0)), value)


def _fragment(value: str, position: int) -> str:
    """The rule around a position, shortened to something one can quote in a sentence."""
    start = value.rfind(";", 0, position) + 1
    end = value.find(";", position)
    end = len(value) if end == -1 else end
    fragment = value[start:end].strip()
    if len(fragment) <= 40:
        return fragment or value[max(0, position - 20) : position + 20].strip()
    left = max(start, position - 20)
    right = min(end, position + 20)
    return ("…" if left > start else "") + value[left:right].strip() + ("…" if right < end else "")


def _hint(fragment: str, value: str, position: int) -> str:
    """What is most likely wrong, in plain French, judged on the rule around the error."""
    bare = _outside_quotes(value)
    if value.count('"') % 2:
        return _(
            'un commentaire entre guillemets n’est pas refermé : ajoutez le guillemet « " » '
            "qui manque."
        )
    if "–" in bare or "—" in bare:
        return _("utilisez le tiret simple « - » entre deux jours ou deux heures.")
    if _ROUND_THE_CLOCK_RE.search(fragment):
        return _("pour un lieu toujours ouvert, écrivez simplement : 24/7.")
    if _MISSING_END_RE.search(fragment):
        return _("l’heure de fermeture manque ; écrivez la plage ainsi : 09:00-12:00.")
    if _MISSING_START_RE.search(fragment):
        return _("l’heure d’ouverture manque ; écrivez la plage ainsi : 09:00-12:00.")
    if _HOUR_WITH_H_RE.search(fragment) or _SHORT_TIME_RE.search(fragment):
        return _("écrivez les heures ainsi : 09:00-12:00.")
    if _FRENCH_DAY_RE.search(_outside_quotes(fragment)):
        return _(
            "écrivez les jours en abrégé anglais : Mo, Tu, We, Th, Fr, Sa, Su "
            "(par exemple Mo-Fr pour du lundi au vendredi)."
        )
    if _FRENCH_WORD_RE.search(_outside_quotes(fragment)):
        return _(
            "écrivez « off » pour fermé et « PH » pour les jours fériés, ou mettez une "
            'précision entre guillemets, par exemple : Mo 14:00-17:00 "sur rendez-vous".'
        )
    if re.search(r";\s*(;|$)", bare) or bare.strip().startswith(";"):
        return _("supprimez le « ; » en trop : il sépare deux règles, pas plus.")
    if 0 <= position < len(value) and not value[position].isascii():
        return _(
            "le caractère « %(char)s » n’a pas sa place ici ; seuls les jours, les heures et "
            "les mots de la syntaxe sont compris."
        ) % {"char": value[position]}
    return _(
        "vérifiez la syntaxe : les jours, puis les heures, et une règle par « ; », "
        "par exemple : Mo-Fr 09:00-12:00; Sa 10:00-12:00; PH off."
    )


def _parse_error_message(value: str, error: ParserError) -> str:
    match = _COLUMN_RE.search(str(error))
    position = int(match.group(1)) - 1 if match else 0
    position = max(0, min(position, len(value) - 1))
    fragment = _fragment(value, position)
    return _("Horaires illisibles près de « %(fragment)s » : %(hint)s") % {
        "fragment": fragment,
        "hint": _hint(fragment, value, position),
    }


def validate_opening_hours(value: str | None) -> None:
    """Django validator: the OSM syntax, or empty (hours unknown); French errors otherwise."""
    if value is None or not value.strip():
        return
    value = value.strip()
    if len(value) > MAX_LENGTH:
        raise ValidationError(
            _("Horaires trop longs : %(length)s caractères, %(limit)s au plus.")
            % {
                "length": number_format(len(value), force_grouping=True),
                "limit": number_format(MAX_LENGTH, force_grouping=True),
            },
            code="opening_hours_too_long",
        )
    position = _first_control_character(value)
    if position is not None:
        raise ValidationError(
            _(
                "Les horaires contiennent un caractère invisible (retour à la ligne, tabulation "
                "ou caractère de contrôle) après « %(before)s » : retapez ce passage."
            )
            % {"before": value[max(0, position - 20) : position].strip() or "…"},
            code="opening_hours_control_character",
        )
    try:
        OpeningHours(value, country=COUNTRY)
    except ParserError as error:
        raise ValidationError(
            _parse_error_message(value, error), code="opening_hours_syntax"
        ) from None
    bare = _outside_quotes(value)
    for match in _TIME_RANGE_RE.finditer(bare):
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        if (start_h, start_m) == (end_h, end_m):
            raise ValidationError(
                _(
                    "La plage « %(range)s » commence et finit à la même heure : indiquez "
                    "l’heure de fermeture."
                )
                % {"range": match.group(0)},
                code="opening_hours_empty_range",
            )
    rules = [rule.strip() for rule in re.split(r";|\|\|", bare) if rule.strip()]
    only_closures = rules and all(re.search(r"\b(off|closed)$", rule) for rule in rules)
    if only_closures and any(rule.startswith("PH") or parse_closure(rule) for rule in rules):
        raise ValidationError(
            _(
                "Indiquez aussi les horaires habituels : des fermetures (jours fériés, "
                "congés) ne disent pas quand le lieu est ouvert."
            ),
            code="opening_hours_only_closures",
        )


# --- French wording ----------------------------------------------------------------------------


def format_time(minutes: int) -> str:
    """Minutes since midnight as the French say it: « 9 h », « 12 h 30 », « minuit » (1440)."""
    if minutes in (0, 1440):
        return _("minuit")
    hours, minutes = divmod(minutes, 60)
    if minutes:
        return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": minutes}
    return _("%(hours)d h") % {"hours": hours}


def _format_start(minutes: int) -> str:
    # A range that starts at midnight reads « 0 h – 2 h », not « minuit – 2 h ».
    return _("%(hours)d h") % {"hours": 0} if minutes == 0 else format_time(minutes)


def format_range(start: int, end: int) -> str:
    """« 9 h – 12 h »; ``end`` may be 1440 (midnight) or earlier than ``start`` (overnight)."""
    return _("%(start)s – %(end)s") % {"start": _format_start(start), "end": format_time(end)}


def day_name(day: date | int) -> str:
    """« Lundi » … « Dimanche »."""
    return capfirst(str(WEEKDAYS[day if isinstance(day, int) else day.weekday()]))


def _day_number(day: date) -> str:
    return _("1er") if day.day == 1 else str(day.day)


def format_date(day: date, *, with_year: bool = True, with_weekday: bool = False) -> str:
    """« 24 décembre 2026 », « 1er janvier », « lundi 4 janvier »."""
    parts = [_day_number(day), str(MONTHS[day.month])]
    if with_weekday:
        parts.insert(0, str(WEEKDAYS[day.weekday()]))
    if with_year:
        parts.append(str(day.year))
    return " ".join(parts)


def _minutes(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def _describe_moment(moment: datetime, now: datetime) -> str:
    """« à 12 h », « demain à 14 h 30 », « vendredi à 9 h », « le lundi 4 janvier à 9 h »."""
    moment = moment.astimezone(PARIS)
    day, minutes = moment.date(), _minutes(moment)
    if minutes == 0:
        # Midnight ends the day before: "ferme à minuit", "ouvre dimanche à minuit".
        day, minutes = day - timedelta(days=1), 1440
    clock = format_time(minutes)
    delta = (day - now.date()).days
    if delta <= 0:
        return _("à %(time)s") % {"time": clock}
    if delta == 1:
        return _("demain à %(time)s") % {"time": clock}
    if delta < 7:
        return _("%(weekday)s à %(time)s") % {"weekday": WEEKDAYS[day.weekday()], "time": clock}
    return _("le %(date)s à %(time)s") % {
        "date": format_date(day, with_year=day.year != now.year, with_weekday=True),
        "time": clock,
    }


# --- Status ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningStatus:
    state: str  # OPEN, CLOSED or UNKNOWN
    label: str
    next_change: datetime | None = None  # aware, Europe/Paris
    comment: str = ""

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def is_known(self) -> bool:
        return self.state != UNKNOWN


_STATES = {State.OPEN: OPEN, State.CLOSED: CLOSED, State.UNKNOWN: UNKNOWN}


def status(value: str | None, *, at: datetime | None = None) -> OpeningStatus:
    """Open or closed at ``at`` (aware, any timezone; now by default), with a French label."""
    now = _to_paris(at)
    if not (value or "").strip():
        return OpeningStatus(UNKNOWN, _("Horaires non renseignés"))
    hours = compile_opening_hours(value)
    if hours is None:
        return OpeningStatus(UNKNOWN, _("Horaires à confirmer"))
    library_state, comment = hours.state(now)
    state = _STATES[library_state]
    next_change = hours.next_change(now)
    # A change of comment alone is not a change for the resident: skip to a change of state.
    for _attempt in range(10):
        if next_change is None or _STATES[hours.state(next_change)[0]] != state:
            break
        next_change = hours.next_change(next_change)
    if state == UNKNOWN:
        label = _("Ouverture à confirmer")
    elif state == OPEN:
        label = (
            _("Ouvert maintenant — ferme %(moment)s")
            % {"moment": _describe_moment(next_change, now)}
            if next_change
            else _("Ouvert maintenant")
        )
    else:
        label = (
            _("Fermé — ouvre %(moment)s") % {"moment": _describe_moment(next_change, now)}
            if next_change
            else _("Fermé")
        )
    # A cached page showing this status expires when it changes.
    page_cache.changes_at(next_change)
    return OpeningStatus(state, label, next_change, comment)


def is_open_during(value: str | None, *, day: date, part: str | None = None) -> bool:
    """Open at any moment of ``part`` of ``day`` (matin, apres-midi, soir; None: the whole day)."""
    if part is None:
        start, end = _at_paris(day, time(0)), _at_paris(day + timedelta(days=1), time(0))
    elif part in DAY_PARTS:
        start, end = (_at_paris(day, moment) for moment in DAY_PARTS[part])
    else:
        raise ValueError(f"Unknown part of the day: {part!r}")
    hours = compile_opening_hours(value)
    if hours is None:
        return False
    return any(
        state == State.OPEN and begin < end and finish > start
        for begin, finish, state, _comment in hours.intervals(start, end)
    )


# --- Weekly table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    day: date
    name: str  # « Lundi »
    ranges: tuple[str, ...]  # (« 9 h – 12 h », « 14 h – 17 h »), empty when closed
    comments: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        return not self.ranges

    @property
    def text(self) -> str:
        return ", ".join(self.ranges) if self.ranges else _("Fermé")


def _segments_by_day(hours: OpeningHours, first: date, last: date) -> dict:
    """{day: [(start_min, end_min, state, comment)]} for each day, intervals cut at midnight."""
    segments = {first + timedelta(days=n): [] for n in range((last - first).days + 1)}
    start, end = _at_paris(first, time(0)), _at_paris(last + timedelta(days=1), time(0))
    for begin, finish, state, comment in hours.intervals(start, end):
        if state == State.CLOSED:
            continue
        begin, finish = max(begin, start).astimezone(PARIS), min(finish, end).astimezone(PARIS)
        day = begin.date()
        while day <= last and _at_paris(day, time(0)) < finish:
            day_end = _at_paris(day + timedelta(days=1), time(0))
            piece_start = max(begin, _at_paris(day, time(0)))
            piece_end = min(finish, day_end)
            if piece_start < piece_end:
                segments[day].append(
                    [
                        _minutes(piece_start),
                        1440 if piece_end == day_end else _minutes(piece_end),
                        state,
                        comment,
                    ]
                )
            day += timedelta(days=1)
    return segments


def weekly_table(value: str | None, *, week_of: date) -> list[DayHours]:
    """Monday → Sunday of the week containing ``week_of``; [] when the hours are unknown.

    A range that runs past midnight is shown on the day it starts (« 20 h – 2 h »), unless
    that day is open round the clock.
    """
    hours = compile_opening_hours(value)
    if hours is None:
        return []
    monday = week_of - timedelta(days=week_of.weekday())
    by_day = _segments_by_day(hours, monday - timedelta(days=1), monday + timedelta(days=7))
    days = sorted(by_day)

    def whole(segment) -> bool:
        return segment[0] == 0 and segment[1] == 1440

    # Fold each overnight tail into the evening it belongs to.
    for previous, current in zip(days, days[1:], strict=False):
        before, after = by_day[previous], by_day[current]
        if (
            before
            and after
            and before[-1][1] == 1440
            and not whole(before[-1])
            and after[0][0] == 0
            and not whole(after[0])
            and before[-1][2] == after[0][2]
        ):
            before[-1][1] = after[0][1]
            after.pop(0)

    rows = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        ranges, comments = [], []
        for start, end, state, comment in by_day[day]:
            text = _("24 h/24") if (start, end) == (0, 1440) else format_range(start, end)
            if state == State.UNKNOWN:
                text = _("%(range)s (à confirmer)") % {"range": text}
            ranges.append(text)
            if comment and comment not in comments:
                comments.append(comment)
        rows.append(DayHours(day, day_name(day), tuple(ranges), tuple(comments)))
    return rows


def table_context(
    value: str | None, *, week_of: date, today: date | None = None, caption: str = ""
) -> dict:
    """The context of ``structures/components/opening_hours_table.html``."""
    rows = weekly_table(value, week_of=week_of)
    monday = week_of - timedelta(days=week_of.weekday())
    return {
        "rows": rows,
        "today": today,
        "caption": caption
        or _("Horaires de la semaine du %(start)s au %(end)s")
        % {
            "start": format_date(monday, with_year=False, with_weekday=True),
            "end": format_date(monday + timedelta(days=6), with_weekday=True),
        },
    }


# --- Exceptional closures ----------------------------------------------------------------------

_MONTH = "(?:" + "|".join(MONTH_KEYS) + ")"
_CLOSURE_RE = re.compile(
    rf"^(?:(?P<y1>\d{{4}})\s*)?(?P<m1>{_MONTH})(?:\s*(?P<d1>\d{{1,2}}))?"
    rf"(?:\s*-\s*(?:(?P<y2>\d{{4}})\s*)?(?P<m2>{_MONTH})?(?:\s*(?P<d2>\d{{1,2}}))?)?"
    r"\s+(?:off|closed)$"
)
# Years for closures that come back every year: a leap year, so that "Feb 29" exists.
_YEARLY = 2000


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@dataclass(frozen=True)
class Closure:
    """A closure by date: one day or a range (inclusive), once or every year."""

    start: date
    end: date | None = None
    yearly: bool = False

    @property
    def last(self) -> date:
        return self.end or self.start

    def _whole_months(self) -> bool:
        last = self.last
        return self.start.day == 1 and last.day == _last_day(last.year, last.month)

    def to_osm(self) -> str:
        start, last = self.start, self.last
        m1, m2 = MONTH_KEYS[start.month - 1], MONTH_KEYS[last.month - 1]
        if self.yearly:
            if self._whole_months():
                return f"{m1} off" if (start.year, m1) == (last.year, m2) else f"{m1}-{m2} off"
            if start == last:
                return f"{m1} {start.day:02d} off"
            return f"{m1} {start.day:02d}-{m2} {last.day:02d} off"
        if self._whole_months() and start.year == last.year:
            return f"{start.year} {m1} off" if m1 == m2 else f"{start.year} {m1}-{m2} off"
        if start == last:
            return f"{start.year} {m1} {start.day:02d} off"
        return f"{start.year} {m1} {start.day:02d}-{last.year} {m2} {last.day:02d} off"

    def describe(self) -> str:
        """« fermé le 24 décembre 2026 », « fermé chaque année en août »…"""
        start, last = self.start, self.last
        with_year = not self.yearly
        if self._whole_months() and (start.month, start.year) == (last.month, last.year):
            month = str(MONTHS[start.month]) + (f" {start.year}" if with_year else "")
            text = _("fermé en %(month)s") % {"month": month}
        elif start == last:
            text = _("fermé le %(date)s") % {"date": format_date(start, with_year=with_year)}
        else:
            if (start.year, start.month) == (last.year, last.month):
                first = _day_number(start)
            elif start.year == last.year or self.yearly:
                first = format_date(start, with_year=False)
            else:
                first = format_date(start)
            text = _("fermé du %(start)s au %(end)s") % {
                "start": first,
                "end": format_date(last, with_year=with_year),
            }
        if self.yearly:
            text = _("%(closure)s, chaque année") % {"closure": text}
        return text


def parse_closure(rule: str) -> Closure | None:
    """A ``… off`` rule made of dates only, as the grid and ``add_closures`` write them."""
    match = _CLOSURE_RE.match(rule.strip())
    if not match:
        return None
    y1, m1, d1, y2, m2, d2 = match.group("y1", "m1", "d1", "y2", "m2", "d2")
    has_dash = "-" in rule
    if (y2 and not y1) or (d1 is None and d2 is not None) or (has_dash and not (m2 or d2)):
        return None
    if d1 is not None and m2 is not None and d2 is None:
        return None
    yearly = y1 is None
    year1 = int(y1) if y1 else _YEARLY
    month1 = MONTH_KEYS.index(m1) + 1
    month2 = MONTH_KEYS.index(m2) + 1 if m2 else month1
    year2 = int(y2) if y2 else year1
    if yearly and (month2, int(d2 or 31)) < (month1, int(d1 or 1)):
        year2 += 1
    try:
        if d1 is None:
            start = date(year1, month1, 1)
            end = date(year2, month2, _last_day(year2, month2))
        else:
            start = date(year1, month1, int(d1))
            end = date(year2, month2, int(d2)) if has_dash else start
    except ValueError:
        return None
    if end < start:
        return None
    return Closure(start, None if end == start else end, yearly)


def _as_closure(item) -> Closure:
    if isinstance(item, Closure):
        return item
    if isinstance(item, date):
        return Closure(item)
    start, end = item
    if end < start:
        start, end = end, start
    return Closure(start, None if end == start else end)


def add_closures(value: str, closures: Iterable[Closure | date | tuple[date, date]]) -> str:
    """Append ``… off`` rules after the weekly rules (later rules win in the syntax).

    Each item is a ``date`` (« fermé le 24 décembre 2026 » → ``2026 Dec 24 off``), a
    ``(first, last)`` pair of dates, inclusive (« fermé en août 2026 » → ``2026 Aug off``), or a
    ``Closure`` (``Closure(date(2026, 8, 1), date(2026, 8, 31), yearly=True)`` → ``Aug off``).
    Rules already present are not repeated.
    """
    value = (value or "").strip().rstrip(";").strip()
    if not value:
        raise ValueError("Closures need the usual hours first: empty means unknown hours.")
    existing = {rule.strip() for rule in value.split(";")}
    rules = []
    for item in closures:
        rule = _as_closure(item).to_osm()
        if rule not in existing and rule not in rules:
            rules.append(rule)
    return "; ".join([value, *rules])


# --- The weekly grid ---------------------------------------------------------------------------

# Minutes since midnight (end 1440 is midnight; an end before the start runs overnight). The
# widget may also put text that is not a time, or None for a missing end, to show it back.
Range = tuple[int | str | None, int | str | None]

_DAY = "(?:" + "|".join(DAY_KEYS) + ")"
_DAYS_RE = re.compile(rf"^{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*$")
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_ADDITIONAL_RULE_RE = re.compile(rf"(?<=\d)\s*,\s+(?={_DAY}\b)")
_REFERENCE_MONDAY = date(2024, 1, 8)


def _clock(text: str, *, end: bool = False) -> int | None:
    match = _CLOCK_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    hours, minutes = int(match.group(1)), int(match.group(2))
    total = hours * 60 + minutes
    if minutes > 59 or total > (1440 if end else 1439):
        raise ValueError(text)
    return total


def _osm_clock(minutes: int) -> str:
    return "{:02d}:{:02d}".format(*divmod(minutes, 60))


def _days(selector: str) -> list[int]:
    days = []
    for part in selector.split(","):
        first, _dash, last = part.partition("-")
        start = DAY_KEYS.index(first)
        stop = DAY_KEYS.index(last) if last else start
        days.extend((start + n) % 7 for n in range((stop - start) % 7 + 1))
    return days


def _parse_ranges(body: str, *, tolerant: bool) -> list[Range] | None:
    ranges = []
    for piece in body.split(","):
        start, dash, end = piece.strip().partition("-")
        if not dash:
            return None
        try:
            first = _clock(start) if start.strip() or not tolerant else None
            last = _clock(end, end=True) if end.strip() or not tolerant else None
        except ValueError:
            return None
        ranges.append((first, last))
    return ranges


def _format_days(days: list[int]) -> str:
    runs, run = [], [days[0]]
    for day in days[1:]:
        if day == run[-1] + 1:
            run.append(day)
        else:
            runs.append(run)
            run = [day]
    runs.append(run)
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_KEYS[run[0]]}-{DAY_KEYS[run[-1]]}")
        else:
            parts.extend(DAY_KEYS[day] for day in run)
    return ",".join(parts)


def _format_grid_range(start: int | str | None, end: int | str | None) -> str:
    # Text that is not a time (typed in a browser without a time picker) is written as is,
    # so that the validator quotes it back.
    first = start if isinstance(start, str) else "" if start is None else _osm_clock(start)
    if end is None:
        last = ""
    elif isinstance(end, str):
        last = end
    elif end in (0, 1440):
        last = "24:00"
    else:
        last = _osm_clock(end)
    return f"{first}-{last}"


@dataclass
class WeeklyGrid:
    """What the grid widget edits: per weekday up to two ranges, holidays, closures."""

    days: list[list[Range]] = field(default_factory=lambda: [[] for _day in range(7)])
    closed_on_public_holidays: bool = False
    closures: list[Closure] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(self.days)

    def _is_overnight(self) -> bool:
        return any(
            isinstance(start, int) and isinstance(end, int) and 0 < end < start
            for ranges in self.days
            for start, end in ranges
        )

    def weekly_osm(self) -> str:
        if self.is_empty:
            return ""
        formatted = [",".join(_format_grid_range(*r) for r in ranges) for ranges in self.days]
        if all(text == "00:00-24:00" for text in formatted):
            return "24/7"
        groups: dict[str, list[int]] = {}
        for day, text in enumerate(formatted):
            if text:
                groups.setdefault(text, []).append(day)
        rules = [f"{_format_days(days)} {text}" for text, days in groups.items()]
        # A day's own rule would cut off what the evening before spills past midnight;
        # the additional-rule separator keeps it (the grid's days never overlap).
        return (", " if self._is_overnight() else "; ").join(rules)

    def to_osm(self) -> str:
        """The OSM string; "" when no day has hours (unknown), whatever else is set."""
        weekly = self.weekly_osm()
        if not weekly:
            return ""
        rules = [weekly]
        if self.closed_on_public_holidays:
            rules.append("PH off")
        for closure in self.closures:
            rule = closure.to_osm()
            if rule not in rules:
                rules.append(rule)
        return "; ".join(rules)


def _same_week(first: str, second: str) -> bool:
    """Whether two weekly expressions open and close at the same moments over a week."""
    start = _at_paris(_REFERENCE_MONDAY, time(0))
    end = start + timedelta(days=8)
    left, right = OpeningHours(first, timezone=PARIS), OpeningHours(second, timezone=PARIS)
    return list(left.intervals(start, end)) == list(right.intervals(start, end))


def grid_from_osm(value: str | None, *, tolerant: bool = False) -> WeeklyGrid | None:
    """The grid for an OSM string, or None when the grid cannot show it without loss.

    The grid shows weekday rules with at most two ranges a day, ``PH off`` and date
    closures, in that order. Anything else (week numbers, months with hours, comments,
    fallback rules…) stays in the raw syntax. ``tolerant`` accepts ranges missing one end, so
    that a half-filled grid comes back as the person left it, next to the error.
    """
    value = (value or "").strip()
    grid = WeeklyGrid()
    if not value:
        grid.closed_on_public_holidays = True  # the usual choice for a new place
        return grid
    if '"' in value or "||" in value or len(value) > MAX_LENGTH:
        return None
    weekly_texts: list[str] = []
    tail = False  # once PH or a closure is seen, no weekday rule may follow
    for normal_rule in value.split(";"):
        normal_rule = normal_rule.strip()
        if not normal_rule:
            return None
        if normal_rule in ("PH off", "PH closed"):
            grid.closed_on_public_holidays = True
            tail = True
            continue
        closure = parse_closure(normal_rule)
        if closure is not None:
            grid.closures.append(closure)
            tail = True
            continue
        if tail:
            return None
        for index, rule in enumerate(_ADDITIONAL_RULE_RE.split(normal_rule)):
            if not _apply_weekday_rule(grid, rule.strip(), additive=index > 0, tolerant=tolerant):
                return None
        weekly_texts.append(normal_rule)
    if any(len(ranges) > 2 for ranges in grid.days):
        return None
    checkable = weekly_texts and compile_opening_hours(value) is not None
    if checkable and not _same_week("; ".join(weekly_texts), grid.weekly_osm()):
        return None
    return grid


def _apply_weekday_rule(grid: WeeklyGrid, rule: str, *, additive: bool, tolerant: bool) -> bool:
    if rule == "24/7":
        for day in range(7):
            grid.days[day] = [(0, 1440)]
        return True
    selector, _space, body = rule.partition(" ")
    if _DAYS_RE.match(selector):
        days, body = _days(selector), body.strip()
    else:
        days, body = list(range(7)), rule
    if body in ("off", "closed"):
        if additive:
            return False
        ranges: list[Range] = []
    elif not body:
        ranges = [(0, 1440)]
    else:
        parsed = _parse_ranges(body, tolerant=tolerant)
        if parsed is None:
            return False
        ranges = [(0, 1440) if r == (0, 0) else r for r in parsed]
    for day in days:
        grid.days[day] = [*grid.days[day], *ranges] if additive else list(ranges)
    return True


def normalize_raw(text: str | None) -> str:
    """What someone typed in the raw-syntax box: one rule per line is fine, a final « ; » too."""
    lines = [line.strip().rstrip(";").strip() for line in (text or "").splitlines()]
    return "; ".join(line for line in lines if line)
