"""Text analysis: what becomes a searchable term.

Full-text fields fold case and accents, drop stop words and stem, so "demarches" finds
"démarches" and "ateliers" finds "atelier". Autocomplete fields fold the same way but index
every prefix of every word instead of stems: stemming would break prefixes ("programm" is not
a prefix of the stem "program").
"""

from functools import cache

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import NoStopWords, has_stemmer, stopwords_for_language
from whoosh.support.charset import accent_map

# Whoosh's default pattern keeps "*" and other wildcard characters inside words; this one
# only joins word characters, optionally across a dot ("1.11", "e.g").
WORD_PATTERN = r"\w+(\.?\w+)*"
# Longest prefix indexed for autocomplete: longer typed words are cut to it before matching.
MAX_PREFIX = 20

# Whoosh's French list misses the plural article.
EXTRA_STOP_WORDS = {"fr": {"les"}}


def fold(text: str) -> str:
    return "".join(accent_map.get(ord(char), char) for char in text.lower())


@cache
def stop_words(language: str) -> frozenset[str]:
    try:
        words = set(stopwords_for_language(language))
    except NoStopWords:
        words = set()
    words |= EXTRA_STOP_WORDS.get(language, set())
    # Compared after folding, so the list is folded too ("été" must stop "ete").
    return frozenset(fold(word) for word in words)


def _folding():
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


@cache
def text_analyzer(language: str):
    analyzer = _folding() | StopFilter(stoplist=stop_words(language), minsize=1)
    if has_stemmer(language):
        analyzer = analyzer | StemFilter(lang=language, cachesize=50_000)
    return analyzer


@cache
def prefix_analyzer():
    """Index side of autocomplete: every prefix of every folded word."""
    return _folding() | NgramFilter(minsize=1, maxsize=MAX_PREFIX, at="start")


def prefix_query_terms(text: str) -> list[str]:
    """Query side of autocomplete: the folded words, each cut to the longest indexed prefix."""
    return [token.text[:MAX_PREFIX] for token in _folding()(text)]


def text_query_terms(text: str, language: str) -> list[str]:
    return [token.text for token in text_analyzer(language)(text)]
