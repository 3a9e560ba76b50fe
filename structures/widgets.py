"""The weekly grid that writes OpenStreetMap opening hours for people who do not know the syntax.

``OpeningHoursWidget`` is a plain Django widget: it works on a model ``CharField`` through
Wagtail's ``FieldPanel("horaires", widget=OpeningHoursWidget)`` as well as in any Django form.
Whatever is posted, it hands the form one OSM string, so the model field's validators
(``validate_opening_hours``) judge it and say in French what is wrong.

Two ways to type, chosen by a radio button (without JavaScript both are shown, the radio
decides; with it, only the chosen one): the grid, Monday → Sunday with two ranges a day,
public holidays and exceptional closures; or the raw syntax in a textarea. A value the grid
cannot show without loss (week numbers, seasons, comments…) opens on the raw syntax, with a
French explanation and a preview of this week.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .opening_hours import (
    DAY_KEYS,
    MAX_LENGTH,
    Closure,
    WeeklyGrid,
    compile_opening_hours,
    day_name,
    grid_from_osm,
    normalize_raw,
    parse_closure,
    table_context,
    validate_opening_hours,
)

SLOTS = 2
_LOOSE_CLOCK_RE = re.compile(r"^(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?$")
_FRENCH_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _loose_clock(text: str) -> int | None | str:
    """'09:00', '9:00', '9h', '9h30', '9' → minutes; '' → None; anything else comes back as is."""
    text = (text or "").strip()
    if not text:
        return None
    match = _LOOSE_CLOCK_RE.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if hours <= 24 and minutes < 60 and hours * 60 + minutes <= 1440:
            return hours * 60 + minutes
    return text


def _loose_date(text: str) -> date | None:
    """'2026-12-24' (what <input type=date> posts) or '24/12/2026' (typed by hand)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _FRENCH_DATE_RE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def _clock_value(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return "{:02d}:{:02d}".format(*divmod(minutes % 1440, 60))


class OpeningHoursWidget(forms.Widget):
    template_name = "structures/widgets/opening_hours.html"
    use_fieldset = True

    class Media:
        js = ["js/opening-hours-grid.js"]

    def __init__(self, attrs=None, *, today: date | None = None):
        super().__init__(attrs)
        self.today = today

    # --- Reading what was posted ---------------------------------------------------------------

    def _key(self, name: str, *parts: object) -> str:
        return "_".join([name, *(str(part) for part in parts)])

    def value_omitted_from_data(self, data, files, name):
        return name not in data and self._key(name, "mode") not in data

    def value_from_datadict(self, data, files, name):
        if data.get(self._key(name, "mode")) != "grid":
            raw = data.get(name)
            return None if raw is None else normalize_raw(raw)
        return self._compile_grid(data, name)

    def _compile_grid(self, data, name: str) -> str:
        grid = WeeklyGrid()
        for index, key in enumerate(DAY_KEYS):
            ranges = []
            for slot in range(SLOTS):
                start = _loose_clock(data.get(self._key(name, key.lower(), slot, "start"), ""))
                end = _loose_clock(data.get(self._key(name, key.lower(), slot, "end"), ""))
                if start is not None or end is not None:
                    ranges.append((start, end))
            if all(isinstance(start, int) for start, _end in ranges):
                ranges.sort(key=lambda pair: pair[0])
            grid.days[index] = ranges
        grid.closed_on_public_holidays = bool(data.get(self._key(name, "ph")))
        grid.closures = self._posted_closures(data, name)
        rules = [grid.to_osm() or "; ".join(closure.to_osm() for closure in grid.closures)]
        # Closures alone (no usual hours) are kept too: the validator then asks for the hours.
        rules.append(self._unreadable_new_closure(data, name))
        return "; ".join(rule for rule in rules if rule)

    def _posted_closures(self, data, name: str) -> list[Closure]:
        key = self._key(name, "closure")
        kept = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
        closures = []
        for rule in [kept] if isinstance(kept, str) else kept:
            closure = parse_closure(rule)
            if closure is not None and closure not in closures:
                closures.append(closure)
        days = [
            _loose_date(data.get(self._key(name, "closure", part), "")) for part in ("start", "end")
        ]
        days = sorted(day for day in days if day)
        if days:
            yearly = bool(data.get(self._key(name, "closure", "yearly")))
            closure = Closure(days[0], days[-1] if days[-1] != days[0] else None, yearly)
            if closure not in closures:
                closures.append(closure)
        return closures

    def _unreadable_new_closure(self, data, name: str) -> str:
        """A closure date that is not a date: kept as typed so that the error can quote it."""
        texts = [
            (data.get(self._key(name, "closure", part), "") or "").strip()
            for part in ("start", "end")
        ]
        bad = [text for text in texts if text and _loose_date(text) is None]
        return " ".join(bad) + " off" if bad else ""

    # --- Rendering -----------------------------------------------------------------------------

    def id_for_label(self, id_):
        # The raw-syntax box carries the field's own id: it is the one input that always holds
        # the whole value, and where Django points aria-describedby for errors and help text.
        return id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = (value or "").strip() if isinstance(value, str) else ""
        grid = grid_from_osm(value)
        if grid is None and compile_opening_hours(value) is None:
            # A half-filled grid sent back with an error comes back as the person left it.
            grid = grid_from_osm(value, tolerant=True)
        complex_value = grid is None
        if grid is None:
            grid = WeeklyGrid()
        attrs_in = context["widget"]["attrs"]
        widget_id = attrs_in.get("id") or f"id_{name}"
        today = self.today or timezone.localdate()
        days = []
        for index, key in enumerate(DAY_KEYS):
            ranges = grid.days[index]
            slots = []
            for slot in range(SLOTS):
                start, end = ranges[slot] if slot < len(ranges) else (None, None)
                slots.append(
                    {
                        "start_label": _("Ouverture le matin")
                        if slot == 0
                        else _("Ouverture l’après-midi"),
                        "end_label": _("Fermeture le matin")
                        if slot == 0
                        else _("Fermeture l’après-midi"),
                        "start": {
                            "name": self._key(name, key.lower(), slot, "start"),
                            "id": self._key(widget_id, key.lower(), slot, "start"),
                            "value": _clock_value(start),
                        },
                        "end": {
                            "name": self._key(name, key.lower(), slot, "end"),
                            "id": self._key(widget_id, key.lower(), slot, "end"),
                            "value": _clock_value(end),
                        },
                    }
                )
            days.append(
                {
                    "name": day_name(index),
                    "slots": slots,
                    "id": self._key(widget_id, key.lower()),
                }
            )
        context["widget"].update(
            {
                "id": widget_id,
                "mode": "raw" if complex_value else "grid",
                "complex": complex_value,
                "days": days,
                "mode_name": self._key(name, "mode"),
                "raw": {
                    "name": name,
                    "id": widget_id,
                    "value": value,
                    "maxlength": MAX_LENGTH,
                    "disabled": bool(attrs_in.get("disabled")),
                    "describedby": " ".join(
                        part
                        for part in (
                            f"{widget_id}_syntax_help",
                            f"{widget_id}_notice" if complex_value else "",
                            attrs_in.get("aria-describedby", ""),
                        )
                        if part
                    ),
                },
                "ph": {
                    "name": self._key(name, "ph"),
                    "id": self._key(widget_id, "ph"),
                    "checked": grid.closed_on_public_holidays,
                },
                "closures": [
                    {
                        "name": self._key(name, "closure"),
                        "id": self._key(widget_id, "closure", index),
                        "value": closure.to_osm(),
                        "label": closure.describe(),
                        "past": closure.last < today and not closure.yearly,
                    }
                    for index, closure in enumerate(grid.closures)
                ],
                "new_closure": {
                    "start": {
                        "name": self._key(name, "closure", "start"),
                        "id": self._key(widget_id, "closure", "start"),
                    },
                    "end": {
                        "name": self._key(name, "closure", "end"),
                        "id": self._key(widget_id, "closure", "end"),
                    },
                    "yearly": {
                        "name": self._key(name, "closure", "yearly"),
                        "id": self._key(widget_id, "closure", "yearly"),
                    },
                },
                "preview": table_context(value, week_of=today, today=today)
                if complex_value and value
                else None,
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine, whatever FORM_RENDERER says: the widget's template
        # lives in the project's templates/ folder, which Django's default form renderer does
        # not search.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


class OpeningHoursField(forms.CharField):
    """A form field for OSM opening hours, with the grid widget and the French validator."""

    widget = OpeningHoursWidget
    default_validators = [validate_opening_hours]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
