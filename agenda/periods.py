"""The agenda's periods in Paris time: a month as a grid of weeks, sessions by day and by week.

Days are calendar dates, never `start + timedelta(days=n)` on aware datetimes, so a day that is
23 or 25 hours long (a clock change) is still one day.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby

from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda.recurrence import PARIS, horizon

PLANNING_WEEKS = 13  # three months, counted in whole weeks
PRINT_DAYS = 28


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def span_label(first: date, last: date) -> str:
    """ "Du lundi 19 octobre au dimanche 25 octobre 2026" (both years when they differ)."""
    first_format = "l j F" if first.year == last.year else "l j F Y"
    return _("Du %(first)s au %(last)s") % {
        "first": date_format(first, first_format),
        "last": date_format(last, "l j F Y"),
    }


def weekday_names() -> list[str]:
    return [str(WEEKDAYS[number]) for number in range(7)]


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> "Month | None":
        """ "2026-11" as a month; None for anything else."""
        year, dash, month = text.partition("-")
        if not (dash and len(year) == 4 and len(month) == 2 and (year + month).isdigit()):
            return None
        # Year 0 and December 9999 have no first or last day in Python's calendar.
        shown = cls(int(year), int(month))
        return shown if 1 <= shown.month <= 12 and Month(1, 1) <= shown < Month(9999, 12) else None

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def last(self) -> date:
        return self.next.first - timedelta(days=1)

    @property
    def label(self) -> str:
        return date_format(self.first, "F Y")

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def bounds(self) -> tuple[datetime, datetime]:
        return midnight(self.first), midnight(self.next.first)


def month_range(now: datetime) -> tuple[Month, Month]:
    """The months the agenda shows: those its occurrence rows cover (the recurrence horizon),
    so a month view is never silently missing the sessions of a series."""
    earliest, latest = horizon(now)
    return Month.of(timezone.localtime(earliest, PARIS).date()), Month.of(
        timezone.localtime(latest, PARIS).date()
    )


def month_in_range(year: int, month: int, now: datetime) -> Month | None:
    if not 1 <= month <= 12:
        return None
    wanted = Month(year, month)
    first, last = month_range(now)
    return wanted if first <= wanted <= last else None


def days_covered(occurrence) -> tuple[date, date]:
    """First and last local days of a session; one ending at midnight ends the day before."""
    start = timezone.localtime(occurrence.start, PARIS)
    end = timezone.localtime(occurrence.end, PARIS)
    last = end.date()
    if end.time() == time(0) and end > start:
        last -= timedelta(days=1)
    return start.date(), max(start.date(), last)


@dataclass(frozen=True)
class CellItem:
    """A session in a day cell; `continued` when it began on an earlier day."""

    occurrence: object
    continued: bool


@dataclass
class DayCell:
    day: date
    in_month: bool
    is_today: bool
    items: list = field(default_factory=list)


def month_grid(month: Month, occurrences, *, today: date) -> list[list[DayCell]]:
    """Weeks (Monday first) covering the month; a session is listed on each of its days."""
    cells: dict[date, DayCell] = {}
    weeks = []
    day = monday_of(month.first)
    while day <= month.last:
        week = []
        for _weekday in range(7):
            cell = DayCell(day=day, in_month=day.month == month.month, is_today=day == today)
            cells[day] = cell
            week.append(cell)
            day += timedelta(days=1)
        weeks.append(week)
    for occurrence in occurrences:
        first, last = days_covered(occurrence)
        day = max(first, month.first)
        while day <= min(last, month.last):
            cells[day].items.append(CellItem(occurrence, continued=day > first))
            day += timedelta(days=1)
    return weeks


def by_day(occurrences) -> list[tuple[date, list]]:
    return [(day, list(items)) for day, items in groupby(occurrences, key=lambda item: item.day)]


def by_week(occurrences) -> list[tuple[date, list]]:
    """(Monday, sessions) for each week that has sessions."""
    return [
        (monday, list(items))
        for monday, items in groupby(occurrences, key=lambda item: monday_of(item.day))
    ]
