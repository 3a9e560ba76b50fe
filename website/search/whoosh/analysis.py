"""Text analysis: what becomes a searchable term.

Full-text fields fold case and accents, drop stop words and stem, so "demarches" finds
"démarches" and "ateliers" finds "atelier". Autocomplete fields fold the same way but index
every prefix of every word instead of stems: stemming would break prefixes ("programm" is not
a prefix of the stem "program").

Each SearchField's text is indexed in sections that carry the field's boost (one section per
value, for related objects): a word's weight in the document is the sum of its occurrences'
boosts, so a title word (boost 2) counts twice, and a phrase never spans two values.
"""

from functools import cache

from whoosh.analysis import (
    Filter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Tokenizer,
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


# Sections of boosted text: "2\x1fword word\x1e1\x1fother words".
SECTION = "\x1e"
BOOST = "\x1f"
# Positions between two sections, so that a phrase never spans two fields.
SECTION_GAP = 100


def boosted_sections(sections: list[tuple[str, float]]) -> str:
    # Control characters never survive tokenizing, so they can't come from the text itself.
    return SECTION.join(
        f"{boost:g}{BOOST}{text.replace(SECTION, ' ').replace(BOOST, ' ')}"
        for text, boost in sections
    )


class SectionTokenizer(Tokenizer):
    """Words of boosted sections (plain text is one section of boost 1)."""

    def __init__(self, expression: str = WORD_PATTERN):
        self.words = RegexTokenizer(expression)

    def __eq__(self, other):
        return type(self) is type(other) and self.words == other.words

    def __call__(self, value: str, **kwargs):
        for number, section in enumerate(value.split(SECTION)):
            boost, separator, text = section.partition(BOOST)
            if not separator:
                boost, text = "1", section
            for token in self.words(text, **kwargs):
                token.boost = float(boost)
                token.section = number
                yield token


class SectionGapFilter(Filter):
    """Moves each section's positions SECTION_GAP further than the previous one's.

    Last in the chain: the stop filter renumbers positions consecutively.
    """

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            if token.positions:
                token.pos += getattr(token, "section", 0) * SECTION_GAP
            yield token


def fold(text: str) -> str:
    return text.lower().translate(accent_map)


@cache
def stop_words(language: str) -> frozenset[str]:
    try:
        words = set(stopwords_for_language(language))
    except NoStopWords:
        words = set()
    words |= EXTRA_STOP_WORDS.get(language, set())
    # Compared after folding, so the list is folded too ("été" must stop "ete").
    return frozenset(fold(word) for word in words)


class FoldingTokenizer(Tokenizer):
    """Folds case and accents of the whole text, then lets `words` cut it into words.

    One str.translate of the text rather than two filters called on every word: analysis is a
    good part of indexing time.
    """

    def __init__(self, words: Tokenizer):
        self.words = words

    def __eq__(self, other):
        return type(self) is type(other) and self.words == other.words

    def __call__(self, value: str, **kwargs):
        return self.words(value.lower().translate(accent_map), **kwargs)


def _folding(tokenizer=None):
    return FoldingTokenizer(tokenizer or RegexTokenizer(WORD_PATTERN))


@cache
def text_analyzer(language: str, sections: bool = False):
    """Folded, stopped, stemmed words; with `sections`, of boosted sections."""
    tokenizer = SectionTokenizer() if sections else None
    analyzer = _folding(tokenizer) | StopFilter(stoplist=stop_words(language), minsize=1)
    if has_stemmer(language):
        analyzer = analyzer | StemFilter(lang=language, cachesize=50_000)
    if sections:
        analyzer = analyzer | SectionGapFilter()
    return analyzer


@cache
def spelling_analyzer(language: str):
    """The words spelling suggestions are drawn from: folded, neither stopped nor stemmed, so
    that a suggestion is a word a person can read, three letters or more."""
    return _folding() | StopFilter(stoplist=stop_words(language), minsize=3)


@cache
def prefix_analyzer():
    """Index side of autocomplete: every prefix of every folded word."""
    return _folding() | NgramFilter(minsize=1, maxsize=MAX_PREFIX, at="start")


def prefix_query_terms(text: str) -> list[str]:
    """Query side of autocomplete: the folded words, each cut to the longest indexed prefix."""
    return [token.text[:MAX_PREFIX] for token in _folding()(text)]


def text_query_terms(text: str, language: str) -> list[str]:
    return [token.text for token in text_analyzer(language)(text)]
