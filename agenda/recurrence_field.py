"""Recurrence edited in plain French: a form field and its widget.

``RecurrenceField`` edits an RFC 5545 RRULE string (``EventPage.recurrence``) through plain
controls: *Répétition* (une seule fois, chaque jour, chaque semaine, toutes les N semaines,
chaque mois le même jour, chaque mois le Nième jour, chaque année), the days of the week, the
interval in weeks, and the end (jamais, le <date>, après N fois). It cleans to ``""`` (a single
date) or to a rule that ``agenda.recurrence`` reads, already checked by ``validate_rrule``::

    "FREQ=WEEKLY;BYDAY=FR"                        chaque vendredi
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"          toutes les deux semaines le mardi et le jeudi
    "FREQ=MONTHLY;BYDAY=1MO"                      le premier lundi du mois
    "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270630T235959"  … jusqu'au 30 juin 2027 (Paris time, inclusive)
    "FREQ=WEEKLY;BYDAY=FR;COUNT=10"               … 10 fois

"Chaque mois, le même jour" is ``FREQ=MONTHLY`` and "chaque année" ``FREQ=YEARLY``, without a
day: RFC 5545 takes it from the event's start, so moving the start moves the series.

Some checks need the event's start. The form calls ``field.clean_with_start(rule, start)``
once both are clean (``check_against_start(form)`` does it and puts errors on the field):
a weekly rule with no day ticked gets the start's weekday (Paris time) written in, an end
date before the start is refused, and the density check runs from the real start.

In a Django form::

    class EventForm(forms.ModelForm):
        recurrence = RecurrenceField()

        def clean(self):
            cleaned = super().clean()
            check_against_start(self)  # fields "recurrence" and "start" by default
            return cleaned

For a Wagtail page, ``base_form_class = with_recurrence(FormClass)`` does both.

A rule the controls cannot show (BYSETPOS, BYMONTH, every third month…) is never lost: the
widget shows it read-only in French with ``describe()`` and keeps it (in a hidden input,
validated again on every post) until the person picks another repetition. The field also
accepts a plain RRULE string posted under its own name (an import, an older form, a test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from agenda.recurrence import (
    DAY_NAMES,
    HORIZON_FUTURE,
    MAX_OCCURRENCES,
    ORDINALS,
    PARIS,
    describe,
    validate_rrule,
)

MAX_LENGTH = 500  # EventPage.recurrence's max_length
MAX_INTERVAL = 52
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the agenda refuses older starts; later ends mean "never"
WEEKDAYS = tuple(DAY_NAMES)  # MO … SU, in the week's order
RULE_KEYS = {
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}
_PART_RE = re.compile(r"([A-Z]+)=([A-Z0-9,+-]{1,200})")
_NUMBER_RE = re.compile(r"[0-9]{1,6}")
_END_OF_DAY = "235959"


class Repeat(TextChoices):
    ONCE = "", _("une seule fois")
    DAILY = "daily", _("chaque jour")
    WEEKLY = "weekly", _("chaque semaine")
    WEEKS = "weeks", _("toutes les N semaines")
    MONTH_DAY = "monthday", _("chaque mois, le même jour du mois")
    MONTH_NTH = "nth", _("chaque mois, le Nième jour (le premier lundi…)")
    YEARLY = "yearly", _("chaque année")
    KEEP = "keep", _("garder la règle actuelle")


class End(TextChoices):
    NEVER = "never", _("jamais")
    UNTIL = "until", _("à une date")
    COUNT = "count", _("après un nombre de fois")


FREQUENCIES = {
    Repeat.DAILY: "DAILY",
    Repeat.WEEKLY: "WEEKLY",
    Repeat.WEEKS: "WEEKLY",
    Repeat.MONTH_DAY: "MONTHLY",
    Repeat.MONTH_NTH: "MONTHLY",
    Repeat.YEARLY: "YEARLY",
}
INPUTS = ("repeat", "days", "interval", "ordinal", "weekday", "end", "until", "count", "kept")


# --- Rule text -----------------------------------------------------------------------------


def split_rule(rule: str) -> list[tuple[str, str]]:
    """The rule's KEY=VALUE parts, upper-cased, refusing anything that is not RFC 5545 syntax
    (unknown or repeated keys, stray characters, both UNTIL and COUNT)."""
    text = rule.strip().upper().removeprefix("RRULE:")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("Cette règle de récurrence dépasse %(max)s caractères."),
            params={"max": MAX_LENGTH},
            code="too_long",
        )
    pairs = []
    for part in text.split(";"):
        match = _PART_RE.fullmatch(part)
        if not match or match[1] not in RULE_KEYS or match[1] in dict(pairs):
            raise ValidationError(
                _("Règle de récurrence illisible près de « %(part)s »."),
                params={"part": part[:40]},
                code="rrule",
            )
        pairs.append((match[1], match[2]))
    keys = dict(pairs)
    if "FREQ" not in keys:
        raise ValidationError(_("La règle ne dit pas à quelle fréquence."), code="rrule")
    if "UNTIL" in keys and "COUNT" in keys:
        raise ValidationError(
            _("Une règle s'arrête à une date ou après un nombre de fois, pas les deux."),
            code="rrule",
        )
    return pairs


def _join_rule(pairs: list[tuple[str, str]]) -> str:
    return ";".join(f"{key}={value}" for key, value in pairs)


def _until_moment(value: str) -> datetime | None:
    """UNTIL as a naive Paris wall time (a date alone is its midnight), None if unreadable."""
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d"):
        try:
            moment = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if value.endswith("Z"):
            moment = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(PARIS)
        return moment.replace(tzinfo=None)
    return None


def _until_day(value: str) -> date | None:
    """The last day an UNTIL means in plain French ("jusqu'au 30 juin"): a date alone, or the end
    of that day; None for any other time, which the controls cannot show without loss."""
    moment = _until_moment(value)
    if moment is None:
        return None
    if len(value) == 8 or moment.strftime("%H%M%S") == _END_OF_DAY:
        return moment.date()
    return None


# --- The controls' values ------------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    """What the controls say, compiled to and from a rule."""

    repeat: str = Repeat.ONCE
    days: tuple[str, ...] = ()
    interval: int = 1
    ordinal: int = 1
    weekday: str = "MO"
    end: str = End.NEVER
    until: date | None = None
    count: int | None = None
    kept: str = ""

    def to_rrule(self) -> str:
        if self.repeat == Repeat.ONCE:
            return ""
        if self.repeat == Repeat.KEEP:
            return self.kept
        pairs = [("FREQ", FREQUENCIES[self.repeat])]
        if self.repeat == Repeat.WEEKS and self.interval > 1:
            pairs.append(("INTERVAL", str(self.interval)))
        if self.repeat in (Repeat.WEEKLY, Repeat.WEEKS) and self.days:
            pairs.append(("BYDAY", ",".join(day for day in WEEKDAYS if day in self.days)))
        if self.repeat == Repeat.MONTH_NTH:
            pairs.append(("BYDAY", f"{self.ordinal}{self.weekday}"))
        if self.end == End.UNTIL and self.until:
            pairs.append(("UNTIL", f"{self.until:%Y%m%d}T{_END_OF_DAY}"))
        elif self.end == End.COUNT and self.count:
            pairs.append(("COUNT", str(self.count)))
        return _join_rule(pairs)

    @classmethod
    def from_rrule(cls, rule: str) -> Recurrence:
        """The controls showing `rule`, or KEEP holding it when they cannot show it exactly."""
        text = (rule or "").strip()
        if not text:
            return cls()
        try:
            parts = dict(split_rule(text))
        except ValidationError:
            return cls(repeat=Repeat.KEEP, kept=text[:MAX_LENGTH])
        kept = cls(repeat=Repeat.KEEP, kept=_join_rule(list(parts.items())))
        shown = _shown(parts)
        return shown if shown is not None else kept

    def as_inputs(self) -> dict:
        """The raw input values the widget shows for these controls."""
        return {
            "repeat": str(self.repeat),
            "days": list(self.days),
            "interval": str(self.interval) if self.repeat == Repeat.WEEKS else "",
            "ordinal": str(self.ordinal),
            "weekday": self.weekday,
            "end": str(self.end),
            "until": self.until.isoformat() if self.until else "",
            "count": str(self.count or ""),
            "kept": self.kept,
        }


def _shown(parts: dict[str, str]) -> Recurrence | None:
    """The controls for parsed rule parts, or None when they cannot show them exactly."""
    if set(parts) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT", "WKST"}:
        return None
    # WKST only matters for a weekly rule with an interval; Monday is RFC 5545's default.
    if parts.get("WKST", "MO") != "MO" or not _NUMBER_RE.fullmatch(parts.get("INTERVAL", "1")):
        return None
    shown = Recurrence(interval=int(parts.get("INTERVAL", "1")))
    if "UNTIL" in parts:
        until = _until_day(parts["UNTIL"])
        if until is None:
            return None
        shown = replace(shown, end=End.UNTIL, until=until)
    if "COUNT" in parts:
        count = parts["COUNT"]
        if not _NUMBER_RE.fullmatch(count) or not 1 <= int(count) <= MAX_OCCURRENCES:
            return None
        shown = replace(shown, end=End.COUNT, count=int(count))
    frequency, interval = parts["FREQ"], shown.interval
    days = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    if frequency == "WEEKLY" and set(days) <= set(WEEKDAYS) and 1 <= interval <= MAX_INTERVAL:
        repeat = Repeat.WEEKLY if interval == 1 else Repeat.WEEKS
        return replace(shown, repeat=repeat, days=tuple(day for day in WEEKDAYS if day in days))
    if interval != 1:
        return None
    if frequency == "MONTHLY" and len(days) == 1:
        ordinal, weekday = days[0][:-2], days[0][-2:]
        if weekday in WEEKDAYS and ordinal.lstrip("+") in {str(n) for n in ORDINALS}:
            ordinal = int(ordinal.lstrip("+"))
            return replace(shown, repeat=Repeat.MONTH_NTH, ordinal=ordinal, weekday=weekday)
        return None
    simple = {"DAILY": Repeat.DAILY, "MONTHLY": Repeat.MONTH_DAY, "YEARLY": Repeat.YEARLY}
    if frequency in simple and not days:
        return replace(shown, repeat=simple[frequency])
    return None


# --- Reading what was posted ----------------------------------------------------------------


def _number(text: str | None, *, low: int, high: int, message) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not _NUMBER_RE.fullmatch(text) or not low <= int(text) <= high:
        raise ValidationError(message, params={"low": low, "high": high}, code="range")
    return int(text)


def _date(text: str | None) -> date | None:
    """'2027-06-30' (what <input type=date> posts) or '30/06/2027' (typed by hand)."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                _("La date de fin doit tomber entre %(first)s et %(last)s."),
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
                code="until",
            )
        return day
    raise ValidationError(
        _("Date de fin illisible : « %(value)s » (attendu : JJ/MM/AAAA)."),
        params={"value": text[:40]},
        code="until",
    )


def _choice(text: str | None, choices, message) -> str:
    text = text or ""
    if text not in {str(choice) for choice in choices}:
        raise ValidationError(message, code="choice")
    return text


def _read(raw: dict) -> Recurrence:
    """The controls from posted inputs: every input is checked, used or not, so nothing hostile
    passes unnoticed; the repetition chosen decides which of them make the rule."""
    errors = []

    def check(function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValidationError as error:
            errors.extend(error.error_list)
            return None

    repeat = check(
        _choice, raw.get("repeat"), Repeat.values, _("Choisissez une répétition dans la liste.")
    )
    days = raw.get("days") or []
    if not set(days) <= set(WEEKDAYS):
        errors.append(ValidationError(_("Cochez des jours de la semaine."), code="days"))
    interval = check(
        _number,
        raw.get("interval"),
        low=1,
        high=MAX_INTERVAL,
        message=_("L'intervalle est un nombre de semaines entre %(low)s et %(high)s."),
    )
    ordinal = check(
        _choice,
        raw.get("ordinal") or "1",
        [str(number) for number in ORDINALS],
        _("Choisissez premier, deuxième, troisième, quatrième ou dernier."),
    )
    weekday = check(
        _choice, raw.get("weekday") or "MO", WEEKDAYS, _("Choisissez un jour de la semaine.")
    )
    end = check(
        _choice,
        raw.get("end") or End.NEVER,
        End.values,
        _("Choisissez comment la répétition se termine."),
    )
    until = check(_date, raw.get("until"))
    count = check(
        _number,
        raw.get("count"),
        low=1,
        high=MAX_OCCURRENCES,
        message=_("Le nombre de fois est un nombre entier entre %(low)s et %(high)s."),
    )
    kept = (raw.get("kept") or "").strip()
    if repeat == Repeat.KEEP:
        kept = check(_kept_rule, kept) or ""
    if repeat == Repeat.WEEKS and interval is None:
        errors.append(
            ValidationError(
                _("Indiquez l'intervalle : toutes les combien de semaines ?"), code="interval"
            )
        )
    if repeat and repeat != Repeat.KEEP and end == End.UNTIL and until is None:
        errors.append(ValidationError(_("Indiquez la date de fin."), code="until"))
    if repeat and repeat != Repeat.KEEP and end == End.COUNT and count is None:
        errors.append(ValidationError(_("Indiquez le nombre de fois."), code="count"))
    if errors:
        raise ValidationError(errors)
    return Recurrence(
        repeat=repeat,
        days=tuple(days),
        interval=interval or 1,
        ordinal=int(ordinal),
        weekday=weekday,
        end=end,
        until=until,
        count=count,
        kept=kept,
    )


def _kept_rule(text: str) -> str:
    if not text:
        raise ValidationError(
            _("Il n'y a pas de règle à garder : choisissez une répétition."), code="keep"
        )
    return _join_rule(split_rule(text))


def _plain_rule(text: str) -> str:
    """A rule posted as text: in the controls' own form when they can show it, else as is."""
    if not text.strip():
        return ""
    rule = _join_rule(split_rule(text))
    return Recurrence.from_rrule(rule).to_rrule()


# --- Widget and field --------------------------------------------------------------------------


def _options(choices, selected: str) -> list[dict]:
    return [
        {"value": str(value), "label": label, "selected": str(value) == selected}
        for value, label in choices
    ]


class RecurrenceWidget(forms.Widget):
    """The plain controls. Posts one input per control, named ``<name>_<control>``; its value
    for the field is a dict of those raw strings, or the plain rule posted under ``<name>``."""

    template_name = "agenda/widgets/recurrence.html"
    use_fieldset = True

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_repeat" not in data

    def value_from_datadict(self, data, files, name):
        if f"{name}_repeat" not in data:
            return data.get(name)
        raw = {key: data.get(f"{name}_{key}") for key in INPUTS}
        days = data.getlist(f"{name}_days") if hasattr(data, "getlist") else raw["days"]
        raw["days"] = [days] if isinstance(days, str) else list(days or [])
        return raw

    def id_for_label(self, id_):
        # The field's label names the first control, where help text and errors also point.
        return f"{id_}_repeat" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        if isinstance(value, dict):
            raw = {key: value.get(key) or "" for key in INPUTS}
            until = raw["until"]
            try:
                # A date typed by hand goes back into the date picker in the form it reads.
                day = _date(until)
                raw["until"] = day.isoformat() if day else ""
            except ValidationError:
                raw["until"] = until
        else:
            raw = Recurrence.from_rrule(value or "").as_inputs()
        attrs = context["widget"]["attrs"]
        widget_id = attrs.get("id") or f"id_{name}"

        def control(key: str) -> dict:
            return {"name": f"{name}_{key}", "id": f"{widget_id}_{key}", "value": raw[key]}

        repeat_choices = [
            (value, label)
            for value, label in Repeat.choices
            if value != Repeat.KEEP or raw["kept"] or raw["repeat"] == Repeat.KEEP
        ]
        months_ahead = HORIZON_FUTURE.years * 12 + HORIZON_FUTURE.months
        context["widget"].update(
            {
                "id": widget_id,
                "invalid": attrs.get("aria-invalid", ""),
                "repeat": {
                    **control("repeat"),
                    "options": _options(repeat_choices, raw["repeat"]),
                    # Wagtail and Django point the field's help text and errors here.
                    "describedby": " ".join(
                        part
                        for part in (
                            f"{widget_id}_kept_note" if raw["kept"] else "",
                            attrs.get("aria-describedby", ""),
                        )
                        if part
                    ),
                },
                "days": [
                    {
                        "name": f"{name}_days",
                        "id": f"{widget_id}_days_{index}",
                        "value": code,
                        "label": label,
                        "checked": code in raw["days"],
                    }
                    for index, (code, label) in enumerate(DAY_NAMES.items())
                ],
                "interval": {**control("interval"), "max": MAX_INTERVAL},
                "ordinal": {
                    **control("ordinal"),
                    "options": _options(
                        [(str(number), label) for number, label in ORDINALS.items()],
                        raw["ordinal"],
                    ),
                },
                "weekday": {
                    **control("weekday"),
                    "options": _options(DAY_NAMES.items(), raw["weekday"]),
                },
                "end": [
                    {
                        "name": f"{name}_end",
                        "id": f"{widget_id}_end_{value}",
                        "value": value,
                        "label": label,
                        "checked": value == (raw["end"] or End.NEVER),
                    }
                    for value, label in End.choices
                ],
                "months_ahead": months_ahead,
                "until": control("until"),
                "count": {**control("count"), "max": MAX_OCCURRENCES},
                "kept": {
                    **control("kept"),
                    "description": describe(raw["kept"]),
                    "parts": raw["kept"].split(";"),  # each on its own line on a phone if need be
                }
                if raw["kept"]
                else None,
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine: Django's default form renderer does not search the
        # project's templates/ folder.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


class RecurrenceField(forms.Field):
    """An RRULE edited with plain controls; cleans to "" or a rule checked by validate_rrule."""

    widget = RecurrenceWidget
    default_error_messages = {"required": _("Choisissez une répétition.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Récurrence"))
        kwargs.setdefault(
            "help_text",
            _(
                "Sans fin, les séances sont annoncées jusqu'à dix-huit mois à l'avance. "
                "Les séances annulées ou déplacées se règlent plus bas."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        if isinstance(value, dict):
            return _read(value).to_rrule()
        return _plain_rule(value or "")

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            validate_rrule(value)

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != (initial or "")
        except ValidationError:
            return True

    def clean_with_start(self, rule: str, start: datetime) -> str:
        """`rule` (as cleaned) completed and checked against the event's start: a weekly rule
        without days gets the start's weekday, an end before the start is refused, and the
        density check runs from the real start. Raises ValidationError in French."""
        if not rule:
            return ""
        local = start.astimezone(PARIS) if start.tzinfo else start
        pairs = split_rule(rule)
        keys = dict(pairs)
        if keys["FREQ"] == "WEEKLY" and "BYDAY" not in keys:
            at = sum(1 for key, _value in pairs if key in ("FREQ", "INTERVAL"))
            pairs.insert(at, ("BYDAY", WEEKDAYS[local.weekday()]))
            rule = _join_rule(pairs)
        until = _until_moment(keys.get("UNTIL", ""))
        if until and until.date() < local.date():
            raise ValidationError(
                _("La répétition doit finir après le début de l'événement (le %(start)s)."),
                params={"start": local.strftime("%d/%m/%Y")},
                code="until_before_start",
            )
        validate_rrule(rule, start=start)
        return rule


def check_against_start(form, *, field: str = "recurrence", start_field: str = "start") -> None:
    """In a form's clean(): the cleaned rule completed and checked against the cleaned start
    (see RecurrenceField.clean_with_start), errors put on the recurrence field."""
    rule, start = form.cleaned_data.get(field), form.cleaned_data.get(start_field)
    if not rule or not start:
        return
    try:
        form.cleaned_data[field] = form.fields[field].clean_with_start(rule, start)
    except ValidationError as error:
        form.add_error(field, error)


def with_recurrence(form_class, *, field: str = "recurrence", start_field: str = "start"):
    """`form_class` with `field` edited by a RecurrenceField, checked against `start_field`.

    For Wagtail: panels build the page form from ``base_form_class``, whose declared fields win
    over the model's, so ``base_form_class = with_recurrence(...)`` is all an edit form needs.
    """

    def clean(self):
        cleaned = super(form, self).clean()
        check_against_start(self, field=field, start_field=start_field)
        return cleaned

    attributes = {field: RecurrenceField(), "clean": clean, "__module__": form_class.__module__}
    form = type(form_class)(form_class.__name__, (form_class,), attributes)
    return form
