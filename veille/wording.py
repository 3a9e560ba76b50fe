"""Amounts, rates and deadlines in French words, for listings, call pages, feeds and emails."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _


def euros(value: int) -> str:
    # A narrow no-break space between thousands, as French typography wants.
    return f"{value:,}".replace(",", "\u202f") + "\u00a0€"


def _span(low, high, unit) -> str:
    if low is not None and high is not None and low != high:
        return _("de %(low)s à %(high)s") % {"low": unit(low), "high": unit(high)}
    if high is not None:
        return _("jusqu'à %(high)s") % {"high": unit(high)}
    if low is not None:
        return _("à partir de %(low)s") % {"low": unit(low)}
    return ""


def amount_text(call) -> str:
    parts = [
        _span(call.amount_min, call.amount_max, euros),
        _span(call.rate_min, call.rate_max, lambda rate: f"{rate}\u00a0%"),
        call.amount_note,
    ]
    text = " ; ".join(part for part in parts if part)
    return text[:1].upper() + text[1:]


def deadline_text(deadline, deadline_time) -> str:
    if deadline is None:
        return ""
    day = date_format(deadline, "l j F Y")
    if deadline_time is None:
        return day
    return _("%(day)s, %(time)s") % {"day": day, "time": date_format(deadline_time, r"H\hi")}
