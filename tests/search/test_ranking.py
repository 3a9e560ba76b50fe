"""The postings-based ranking gives whoosh's own hits, order and scores, and exact counts."""

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from website.search.whoosh import ranking
from website.search.whoosh.analysis import boosted_sections
from website.search.whoosh.mapping import build_schema

WORDS = ["atelier", "numerique", "tablette", "emploi", "caf", "impots", "famille", "benevole"]


@pytest.fixture
def searcher(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema("fr"))
    # Three commits (three segments), then deletions, as edits leave an index.
    for start in (0, 40, 80):
        writer = ix.writer()
        for number in range(start, start + 40):
            words = [WORDS[(number * step) % len(WORDS)] for step in (1, 3, 5, 7)]
            filters = {}
            if number % 7:  # every seventh document has no filter values
                filters["fi_kind"] = [1, 7] if number % 5 == 0 else number % 3
                filters["fs_tag"] = ["b", "a"] if number % 4 == 0 else "c"
            writer.add_document(
                id=str(number),
                ct="website.standardpage",
                **filters,
                t_title=boosted_sections([(" ".join(words[:2]), 2.0)]),
                t_body=boosted_sections([(" ".join(words), 1.0), (" ".join(words[::-1]), 1.0)]),
            )
        writer.commit(merge=False)
    writer = ix.writer()
    for number in (3, 45, 90):
        writer.delete_by_term("id", str(number))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.subsearchers) == 3
        yield searcher


QUERIES = [
    wq.Term("t_body", "atelier"),
    wq.And([wq.Term("t_body", "atelier"), wq.Term("t_body", "numer")]),
    wq.Or([wq.Term("t_body", "caf", boost=2.0), wq.Term("t_body", "famill")]),
    wq.And(
        [
            wq.Or([wq.Term("t_title", "emploi"), wq.Term("t_body", "emploi")]),
            wq.Term("t_body", "tablet"),
        ]
    ),
    wq.Term("t_body", "absent"),
]


@pytest.mark.parametrize("query", QUERIES, ids=repr)
@pytest.mark.parametrize("limit", [5, None])
def test_postings_ranking_matches_whoosh(searcher, query, limit):
    allowed = ranking.DocumentSet(
        docnum for docnum in searcher.docs_for_query(wq.Every()) if docnum % 4
    )
    assert ranking.supported(query, searcher)

    found, total = ranking.top(searcher, query, allowed, limit)

    expected = searcher.search(query, limit=limit, filter=allowed, optimize=False)
    assert [docnum for docnum, _score in found] == [hit.docnum for hit in expected]
    assert [score for _docnum, score in found] == pytest.approx([hit.score for hit in expected])
    assert total == len(set(searcher.docs_for_query(query)) & allowed)


@pytest.mark.parametrize("query", QUERIES, ids=repr)
@pytest.mark.parametrize("fieldname", ["fi_kind", "fs_tag"])
def test_postings_facets_count_as_whoosh_groups(searcher, query, fieldname):
    from whoosh import sorting

    allowed = ranking.DocumentSet(
        docnum for docnum in searcher.docs_for_query(wq.Every()) if docnum % 4
    )
    counts = ranking.facet_counts(searcher, query, allowed, fieldname)

    results = searcher.search(
        query,
        limit=None,
        scored=False,
        filter=allowed,
        groupedby={"facet": sorting.FieldFacet(fieldname, allow_overlap=True)},
    )
    expected = {value: len(docs) for value, docs in results.groups("facet").items()}
    assert counts == expected
    assert list(counts) == sorted(counts, key=lambda value: (value is None, value or 0))


def test_phrases_and_fuzzy_words_are_left_to_whoosh(searcher):
    assert not ranking.supported(wq.Phrase("t_body", ["atelier", "numer"]), searcher)
    assert not ranking.supported(wq.FuzzyTerm("t_body", "atelie"), searcher)
    assert not ranking.supported(wq.Not(wq.Term("t_body", "caf")), searcher)
