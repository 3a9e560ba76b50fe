"""Top hits and count of a word query, read from the postings a block at a time.

Whoosh's collector walks every match through a tree of Python matcher objects, one call per
document per word, and scores each: on 16,000 pages a two-word query spends most of its
time there, and the count needs every match. The queries a search box makes are words
combined with and/or, on one field or a few (`Term`, `And`, `Or`). For those, this module
reads each word's postings block by block (whoosh decodes a block's ids and weights at once),
combines them as dicts and sets (loops in C), keeps the documents of the filter, and scores
with whoosh's own BM25F formula and statistics, so the order and the scores are whoosh's.
Any other query (phrases, fuzzy words, negations, sorting on a field) goes through whoosh's
searcher.
"""

import heapq
from collections import OrderedDict

from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

# Postings kept decoded per segment reader, that is per thread and index (about 100 bytes
# each, so 20 MB): the twenty benchmark queries' words hold about 30,000 on 17,000 pages.
POSTINGS_BUDGET = 200_000


class DocumentSet(set):
    """The documents of a filter (global docnums), with its part in each segment, computed once.

    A set, so that whoosh's searcher takes it as a filter too.
    """

    __slots__ = ("_segments",)

    def segment(self, offset: int, count: int) -> set[int]:
        if not offset and count >= len(self):
            return self
        if not hasattr(self, "_segments"):
            self._segments = {}
        if (offset, count) not in self._segments:
            self._segments[offset, count] = {
                docnum - offset for docnum in self if offset <= docnum < offset + count
            }
        return self._segments[offset, count]


def supported(query, searcher) -> bool:
    if not isinstance(searcher.weighting, scoring.BM25F):
        return False
    return _plain(query)


def _plain(query) -> bool:
    if type(query) is wq.Term:
        return True
    if type(query) in (wq.And, wq.Or) and query.boost == 1.0:
        if type(query) is wq.Or and (query.minmatch or query.scale):
            return False
        return all(_plain(each) for each in query.subqueries)
    return False


def top(
    searcher, query, allowed: DocumentSet, limit: int | None
) -> tuple[list[tuple[int, float]], int]:
    """(docnum, score) of the best `limit` documents of `allowed` matching, and their number.

    Ties go to the lower document number, as in whoosh's collector.
    """
    scores = {}
    for subsearcher, offset in searcher.subsearchers or [(searcher, 0)]:
        local = allowed.segment(offset, subsearcher.doc_count_all())
        segment = _Segment(searcher, subsearcher, local)
        matching = segment.docs(query)
        if matching:
            for docnum, score in segment.scores(query, matching).items():
                scores[docnum + offset] = score
    total = len(scores)
    order = lambda item: (-item[1], item[0])  # noqa: E731
    if limit is None or limit >= total:
        return sorted(scores.items(), key=order), total
    return heapq.nsmallest(limit, scores.items(), key=order), total


def facet_counts(searcher, query, allowed: DocumentSet, fieldname: str) -> dict:
    """Documents of `allowed` matching `query`, counted by each value of `fieldname` (a
    document with several values counts for each), and those without a value under None.

    Whoosh's grouping collector reads the whole column and walks every match; here each
    value's postings (kept like a word's) are intersected with the matching documents.
    Values come in the index's order, as whoosh's groups do.
    """
    counts, missing = {}, 0
    for subsearcher, offset in searcher.subsearchers or [(searcher, 0)]:
        local = allowed.segment(offset, subsearcher.doc_count_all())
        segment = _Segment(searcher, subsearcher, local)
        matching = segment.docs(query)
        if not matching:
            continue
        field = subsearcher.schema[fieldname]
        reader = subsearcher.reader()
        valued = set()
        if fieldname in reader.indexed_field_names():
            for text in field.sortable_terms(reader, fieldname):
                value = field.from_bytes(text)
                documents = matching.intersection(segment.postings(wq.Term(fieldname, value)))
                if documents:
                    counts[value] = counts.get(value, 0) + len(documents)
                    valued |= documents
        missing += len(matching) - len(valued)
    ordered = dict(sorted(counts.items()))
    if missing:
        ordered[None] = missing
    return ordered


class _Segment:
    """One segment's matching: first which documents match (sets), then their scores."""

    def __init__(self, parent, searcher, allowed: set[int]):
        self.parent = parent
        self.searcher = searcher
        self.allowed = allowed

    def docs(self, query) -> set[int]:
        if type(query) is wq.Term:
            return self.allowed.intersection(self.postings(query))
        parts = sorted((self.docs(each) for each in query.subqueries), key=len)
        if not parts:
            return set()
        if type(query) is wq.And:
            return parts[0].intersection(*parts[1:])
        return parts[0].union(*parts[1:])

    def scores(self, query, docs: set[int]) -> dict[int, float]:
        """Score of each document of `docs` that `query` matches (whoosh sums its parts')."""
        if type(query) is wq.Term:
            return self.term_scores(query, docs)
        parts = [self.scores(each, docs) for each in query.subqueries]
        if type(query) is wq.And:
            common = set(docs).intersection(*parts)
            return {docnum: sum(part[docnum] for part in parts) for docnum in common}
        combined = {}
        for part in parts:
            for docnum, score in part.items():
                combined[docnum] = combined.get(docnum, 0.0) + score
        return combined

    def postings(self, term) -> dict[int, float]:
        """Docnum → weight of a term, deleted documents left out.

        Kept with the segment's reader (which lives as long as the cached searcher), within
        a budget of postings: the same common words come back query after query, and
        decoding their postings is most of a search's cost.
        """
        reader = self.searcher.reader()
        cache = reader.__dict__.setdefault("_relais_postings", OrderedDict())
        key = (term.fieldname, term.text)
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        postings = cache[key] = _read_postings(self.searcher, term)
        total = reader.__dict__.get("_relais_postings_size", 0) + len(postings) + 1
        while total > POSTINGS_BUDGET and len(cache) > 1:
            total -= len(cache.popitem(last=False)[1]) + 1
        reader.__dict__["_relais_postings_size"] = total
        return postings

    def term_scores(self, term, docs: set[int]) -> dict[int, float]:
        weights = self.postings(term)
        present = docs.intersection(weights) if len(docs) < len(weights) else docs & weights.keys()
        field = self.searcher.schema[term.fieldname]
        if not field.scorable:
            return {docnum: term.boost * weights[docnum] for docnum in present}
        weighting = self.parent.weighting
        b = weighting._field_B.get(term.fieldname, weighting.B)
        k1 = weighting.K1
        text = field.to_bytes(term.text)
        idf = self.parent.idf(term.fieldname, text)
        average = self.parent.avg_field_length(term.fieldname) or 1
        length = _lengths(self.searcher, term.fieldname)
        # bm25() of whoosh.scoring, what doesn't depend on the document taken out of the loop.
        factor = term.boost * idf * (k1 + 1)
        base, per_length = k1 * (1 - b), k1 * b / average
        return {
            docnum: factor
            * weights[docnum]
            / (weights[docnum] + base + per_length * length(docnum))
            for docnum in present
        }


def _read_postings(searcher, term) -> dict[int, float]:
    if term.fieldname not in searcher.schema:
        return {}
    try:
        text = searcher.schema[term.fieldname].to_bytes(term.text)
    except ValueError:
        return {}
    reader = searcher.reader()
    if (term.fieldname, text) not in reader:
        return {}
    matcher = reader.postings(term.fieldname, text)
    excluded = ()
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        excluded = matcher._ids
        matcher = matcher.child
    ids, weights = [], []
    if isinstance(matcher, W3LeafMatcher):
        # A block's ids and weights are decoded at once; take them whole.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    postings = dict(zip(ids, weights, strict=True))
    for docnum in excluded:
        postings.pop(docnum, None)
    return postings


def _lengths(searcher, fieldname: str):
    """docnum → the field's length in that document, as whoosh's BM25F reads it.

    Remembered with the segment's reader, which lives as long as the cached searcher: reading
    a length from its column costs more than the rest of scoring a document.
    """
    reader = searcher.reader()
    memos = reader.__dict__.setdefault("_relais_lengths", {})
    memo = memos.setdefault(fieldname, {})
    doc_field_length = reader.doc_field_length

    def length(docnum: int) -> int:
        value = memo.get(docnum)
        if value is None:
            value = memo[docnum] = doc_field_length(docnum, fieldname, 1) or 1
        return value

    return length
