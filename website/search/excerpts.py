"""Highlighted excerpts of search results, whichever backend found them.

The words of a text match the query's words as the whoosh index matches them: folded
(case and accents) and stemmed, so "demarches" highlights "Démarches" and "ateliers"
highlights "atelier". Everything is escaped here; only the <mark> elements are markup.
"""

import html
import re
from functools import lru_cache

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .whoosh.analysis import WORD_PATTERN, text_query_terms

WORDS = re.compile(WORD_PATTERN)
# An excerpt is about this many words, around the part of the text that matches best.
EXCERPT_WORDS = 32
# Only the start of a long text is read: an excerpt must not cost more than the search.
MAX_TEXT = 20_000


def query_terms(query: str, language: str) -> frozenset[str]:
    return frozenset(text_query_terms(query, language))


@lru_cache(maxsize=50_000)
def _term(word: str, language: str) -> str | None:
    terms = text_query_terms(word, language)
    return terms[0] if terms else None


def plain_text(value: str) -> str:
    """Rich text or block text as a reader sees it: no tags, entities decoded, one line."""
    return " ".join(html.unescape(strip_tags(value)).split())


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    parts, end = [], 0
    for start, stop in spans:
        parts += [escape(text[end:start]), "<mark>", escape(text[start:stop]), "</mark>"]
        end = stop
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def highlight(text: str, terms: frozenset[str], language: str) -> SafeString:
    """The whole `text`, escaped, its words that match `terms` in <mark>."""
    spans = [
        match.span() for match in WORDS.finditer(text) if _term(match.group(), language) in terms
    ]
    return _marked(text, spans)


def excerpt(
    text: str, terms: frozenset[str], language: str, *, words: int = EXCERPT_WORDS
) -> SafeString:
    """About `words` words of `text`: where most of the query's words are, highlighted, with
    an ellipsis where the text was cut; the start of the text when nothing matches."""
    text = text[:MAX_TEXT]
    found = [
        (match.start(), match.end(), _term(match.group(), language) in terms)
        for match in WORDS.finditer(text)
    ]
    if not found:
        return _marked(text, [])
    best, best_score = 0, (0, 0)
    if terms:
        matches = [index for index, (_start, _stop, hit) in enumerate(found) if hit]
        for first in matches:
            window = found[first : first + words]
            hits = {_term(text[start:stop], language) for start, stop, hit in window if hit}
            score = (len(hits), sum(hit for _start, _stop, hit in window))
            if score > best_score:
                best, best_score = first, score
        # A little context before the first word that matches.
        best = max(0, best - words // 4) if best_score[0] else 0
    window = found[best : best + words]
    start = 0 if best == 0 else window[0][0]
    stop = len(text) if best + words >= len(found) else window[-1][1]
    spans = [(first - start, last - start) for first, last, hit in window if hit]
    marked = _marked(text[start:stop], spans)
    return mark_safe(  # noqa: S308 - _marked escaped the text
        ("… " if start else "") + marked + (" …" if stop < len(text) else "")
    )
