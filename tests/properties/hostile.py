"""Strategies of hostile text and the check that a refusal speaks French.

Each parser gets two kinds of input: anything at all (every Unicode category, control
characters and lone surrogates included), and strings assembled from the parser's own tokens,
which reach far deeper into it than random text does.
"""

import re

from hypothesis import strategies as st

from django.core.exceptions import ValidationError

NASTY = [
    "",
    " ",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\u2028",
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "%s%n",
    "{0}",
    "9" * 30,
    "-1",
    "0",
    "NaN",
    "Infinity",
    "0001-01-01",
    "9999-12-31",
]

anything = st.text(max_size=200) | st.sampled_from(NASTY)


def assembled(tokens: list[str], *, max_size: int = 12) -> st.SearchStrategy[str]:
    """Strings made of a parser's own tokens and a few nasty ones."""
    return st.lists(st.sampled_from(tokens) | st.sampled_from(NASTY), max_size=max_size).map(
        "".join
    )


# Words that show a library's English error leaked into what a person reads.
_ENGLISH = re.compile(
    r"\b(invalid|error|errors|expected|must|does|match|unknown|the|is|not|at|line|column)\b",
    re.IGNORECASE,
)
# What the message quotes back of the input is the person's own text, not ours.
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"")


def assert_french(error: ValidationError) -> None:
    """Every message of the error is a French sentence, with no English from a library."""
    assert error.messages, error
    for message in error.messages:
        text = _QUOTED.sub("", str(message))
        assert text.strip(), message
        assert text.strip()[0].isupper() or text.strip()[0].isdigit(), message
        assert not _ENGLISH.search(text), message


def french_text(message: str) -> None:
    """The same check on a plain message (an import's note, a command's refusal)."""
    assert_french(ValidationError(message))
