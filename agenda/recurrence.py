"""RFC 5545 recurrence rules, expanded in Paris wall time so that a 9 h event stays at 9 h on
both sides of a daylight-saving change, and bounded so that no rule floods the agenda."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARIS = ZoneInfo("Europe/Paris")
MAX_OCCURRENCES = 1000
CHECK_SPAN = timedelta(days=2 * 366)
HORIZON_PAST = relativedelta(months=3)
HORIZON_FUTURE = relativedelta(months=18)
# Rules finer than a day make no sense for the network's events and explode quickly.
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


def _unreadable() -> ValidationError:
    # The library's own message is English and technical: say where to look instead.
    return ValidationError(
        _(
            "Règle de récurrence illisible : vérifiez sa fréquence, ses jours, son intervalle "
            "et sa fin."
        ),
        code="rrule",
    )


def _parse(rule: str, dtstart: datetime):
    text = rule.strip().removeprefix("RRULE:")
    parts = dict(part.split("=", 1) for part in text.upper().split(";") if "=" in part)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ValidationError(
            _("La fréquence doit être quotidienne, hebdomadaire, mensuelle ou annuelle."),
            code="frequency",
        )
    interval = parts.get("INTERVAL", "1")
    if not (interval.isascii() and interval.isdigit() and int(interval) >= 1):
        # INTERVAL=0 would repeat the first date for ever.
        raise ValidationError(
            _("L'intervalle d'une règle de récurrence est un nombre entier, 1 ou plus."),
            code="interval",
        )
    if "UNTIL" in parts and "COUNT" in parts:
        raise ValidationError(
            _("Une règle s'arrête à une date ou après un nombre de fois, pas les deux."),
            code="rrule",
        )
    until = parts.get("UNTIL", "")
    if until.endswith("Z"):
        # The naive Paris start cannot be compared with a UTC limit: read it as Paris time.
        try:
            moment = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
            local = moment.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")
        except (ValueError, OverflowError):
            raise _unreadable() from None
        text = text.replace(until, local).replace(until.lower(), local)
    elif len(until) == 8 and until.isdigit():
        # "Until 30 June" includes that day's session, as calendar clients read it.
        text = text.replace(f"UNTIL={until}", f"UNTIL={until}T235959").replace(
            f"until={until}", f"until={until}T235959"
        )
    try:
        return rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError, OverflowError, IndexError):
        raise _unreadable() from None


def _first_date_is_near(parsed, dtstart: datetime) -> bool:
    """Whether the rule, without its end, gives a date within CHECK_SPAN of its start.

    dateutil looks for a rule's next date up to the year 9999: a rule that gives none (the 30th
    of February) costs seconds at every look. The Gregorian calendar repeats every 400 years,
    weekdays included, so the same rule started 400×k years later, just before 9999, gives its
    dates on the same days, and dateutil's search through it is bounded by those 400 years.
    """
    year = dtstart.year + (datetime.max.year - 3 - dtstart.year) // 400 * 400
    probe_start = dtstart.replace(year=year)
    try:
        probe = parsed.replace(dtstart=probe_start, until=None, count=None)
        first = next(iter(probe), None)
    except (ValueError, OverflowError):
        return False  # reached the year 9999 without a date
    return first is not None and first - probe_start <= CHECK_SPAN


def validate_rrule(rule: str, *, start: datetime | None = None) -> None:
    """Refuse unreadable rules, rules giving no date within two years and rules giving more than
    MAX_OCCURRENCES within two years."""
    if not rule.strip():
        return
    dtstart = _wall(start) if start else datetime(2000, 1, 1, 9)
    parsed = _parse(rule, dtstart)
    if not _first_date_is_near(parsed, dtstart):
        raise ValidationError(
            _(
                "Cette règle ne donne aucune date dans les deux ans qui suivent le début "
                "(un 30 février, un 31 avril…) : vérifiez les jours et les mois choisis."
            ),
            code="empty",
        )
    for count, moment in enumerate(parsed, start=1):
        if moment - dtstart > CHECK_SPAN:
            break
        if count > MAX_OCCURRENCES:
            raise ValidationError(
                _("Cette règle donne plus de %(max)s dates en deux ans : espacez-les."),
                params={"max": MAX_OCCURRENCES},
                code="too_many",
            )


def parse_exceptions(text: str) -> list[date]:
    """One date a line (AAAA-MM-JJ or JJ/MM/AAAA)."""
    days = []
    for line in text.splitlines():
        value = line.strip()
        if not value:
            continue
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                days.append(datetime.strptime(value, fmt).date())
                break
            except ValueError:
                continue
        else:
            raise ValidationError(
                _("Date d'exception illisible : « %(value)s » (attendu : JJ/MM/AAAA)."),
                params={"value": value[:40]},
                code="exception",
            )
    return days


def validate_exceptions(text: str) -> None:
    parse_exceptions(text)


def _wall(moment: datetime) -> datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None)


def horizon(now: datetime) -> tuple[datetime, datetime]:
    """The window occurrences are kept for: three months back, eighteen months ahead."""
    return now - HORIZON_PAST, now + HORIZON_FUTURE


def expand(
    *, start: datetime, rule: str, window_start: datetime, window_end: datetime
) -> list[datetime]:
    """The series' starts within the window (by start), as aware Paris datetimes."""
    if not rule.strip():
        return [start] if window_start <= start <= window_end else []
    dtstart = _wall(start)
    parsed = _parse(rule, dtstart)
    first, last = _wall(window_start), _wall(window_end)
    starts = []
    for moment in parsed.between(first, last, inc=True):
        starts.append(moment.replace(tzinfo=PARIS))
        if len(starts) >= 2 * MAX_OCCURRENCES:
            break
    return starts


def session_days(start: datetime, rule: str, *, now: datetime | None = None) -> set[date]:
    """The days (Paris) the series has a session on, within the agenda's horizon."""
    window_start, window_end = horizon(now or timezone.now())
    return {
        moment.date()
        for moment in expand(
            start=start, rule=rule, window_start=window_start, window_end=window_end
        )
    }


DAY_NAMES = {
    "MO": _("lundi"),
    "TU": _("mardi"),
    "WE": _("mercredi"),
    "TH": _("jeudi"),
    "FR": _("vendredi"),
    "SA": _("samedi"),
    "SU": _("dimanche"),
}
ORDINALS = {
    1: _("premier"),
    2: _("deuxième"),
    3: _("troisième"),
    4: _("quatrième"),
    -1: _("dernier"),
}


def _join(items: list[str]) -> str:
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _days(values: str) -> tuple[list[str], list[str]]:
    """BYDAY values as plain day names, and as "premier lundi" when they carry an ordinal."""
    plain, ordinal = [], []
    for value in values.split(","):
        code, number = value[-2:], value[:-2]
        if code not in DAY_NAMES:
            continue
        if number and not re.fullmatch(r"[+-]?[0-9]{1,2}", number):
            continue
        if number and int(number) in ORDINALS:
            ordinal.append(f"{ORDINALS[int(number)]} {DAY_NAMES[code]}")
        else:
            plain.append(str(DAY_NAMES[code]))
    return plain, ordinal


DESCRIBED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}


def describe(rule: str) -> str:
    """The rule in plain French ("chaque vendredi", "toutes les 2 semaines le mercredi"), or ""
    when it holds parts this description does not cover."""
    text = rule.strip().removeprefix("RRULE:").upper()
    if not text:
        return ""
    parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    if set(parts) - DESCRIBED_PARTS:
        return ""  # BYSETPOS, BYMONTH…: a partial sentence would mislead
    frequency = parts.get("FREQ")
    interval_text = parts.get("INTERVAL", "1") or "1"
    if not (interval_text.isascii() and interval_text.isdigit()):
        return ""
    interval = int(interval_text)
    if interval != 1 and frequency != "WEEKLY":
        return ""
    plain, ordinal = _days(parts.get("BYDAY", ""))
    if frequency == "DAILY" and interval == 1:
        sentence = str(_("chaque jour"))
    elif frequency == "WEEKLY" and plain and interval == 1:
        sentence = _("chaque %(days)s") % {"days": _join(plain)}
    elif frequency == "WEEKLY" and plain:
        sentence = _("toutes les %(n)s semaines le %(days)s") % {
            "n": interval,
            "days": _join(plain),
        }
    elif frequency == "WEEKLY":
        sentence = str(_("chaque semaine"))
    elif frequency == "MONTHLY" and ordinal:
        sentence = _("le %(days)s du mois") % {"days": _join(ordinal)}
    elif frequency == "MONTHLY":
        sentence = str(_("chaque mois"))
    elif frequency == "YEARLY":
        sentence = str(_("chaque année"))
    else:
        return ""
    if "COUNT" in parts:
        sentence += str(_(", %(count)s fois")) % {"count": parts["COUNT"]}
    elif "UNTIL" in parts:
        try:
            until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        except ValueError:
            return sentence
        sentence += str(_(", jusqu'au %(date)s")) % {"date": until.strftime("%d/%m/%Y")}
    return sentence
