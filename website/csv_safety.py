"""Spreadsheet formula neutralisation for the CSV files the site writes (CSV injection).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is read as a formula by Excel, LibreOffice
and Google Sheets; a leading tab or carriage return lets a formula hide behind whitespace. Text
typed by someone else (a place's name, a description) must not run as a formula on the computer
of whoever opens the export, so such a cell gets a leading apostrophe, the usual "this is text"
mark that spreadsheets hide.

Numbers are left alone: a cell made of digits with at most a leading sign and one decimal
separator cannot carry a formula, and the data standards we write need them as they are (a
phone number ``+33180059880``, a longitude ``-0.008588``). Everything else that starts with one
of the characters is neutralised: a phone-looking ``+33 1 80 05 98 80`` with spaces is not
needed by any standard in that shape, and ``-1+cmd|' /C calc'!A0`` must not slip through.

``restore`` undoes ``neutralise`` when a file the site wrote comes back (an import), so that a
round trip keeps the original text.
"""

import re
from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"

# An optionally signed decimal number, or a phone number in international form: nothing a
# spreadsheet could run. No spaces, no exponent, no second sign.
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")


def is_plain_number(value: str) -> bool:
    return bool(_PLAIN_NUMBER_RE.fullmatch(value))


def _marked(text: str) -> bool:
    # Text that already starts with apostrophes before a formula character gets one more, so
    # that restore() gives back exactly what was written, apostrophes included.
    bare = text.lstrip(TEXT_MARK)
    return bare.startswith(FORMULA_PREFIXES) and not is_plain_number(bare)


def neutralise(value) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return TEXT_MARK + text if _marked(text) else text


def neutralise_row(values: Iterable) -> list[str]:
    return [neutralise(value) for value in values]


def restore(value: str) -> str:
    """A cell read back from a file written with ``neutralise``: the apostrophe goes away."""
    return value[1:] if value.startswith(TEXT_MARK) and _marked(value[1:]) else value


def looks_like_formula(value: str) -> bool:
    """Whether a value read from someone else's file would run as a formula in a spreadsheet."""
    return bool(value) and value.startswith(FORMULA_PREFIXES) and not is_plain_number(value)
