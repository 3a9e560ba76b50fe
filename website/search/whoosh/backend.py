"""A modelsearch backend on whoosh: the embedded, file-based default.

Searches run top-k inside whoosh: the text query is scored, the queryset's filters become a
whoosh filter query on indexed filter fields, ordering uses whoosh's sortable columns, and
only the requested slice of keys comes back, to be fetched from the database with the
queryset (which also re-applies its own filters, as the Elasticsearch backend does).

Settings (`WAGTAILSEARCH_BACKENDS` or `MODELSEARCH_BACKENDS` entry):

    PATH        directory of the indexes (required); one sub-directory per root model
    LANGUAGE    language of the stemmer and stop words (default "en")
    LOCK_WAIT   seconds a write waits for the index before leaving its batch to the
                process that holds it (default 2)
    SWAP_WAIT   seconds the end of a rebuild waits for the index (default 60)
"""

import itertools
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

from whoosh import query as wq
from whoosh import sorting

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, OrderBy, Subquery
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from django.utils.encoding import force_str

from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterError,
    FilterFieldError,
    OrderByFieldError,
    get_model_root,
)
from modelsearch.index import class_is_indexed
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

from . import ranking
from .analysis import WORD_PATTERN, fold, prefix_query_terms, text_query_terms
from .mapping import (
    CONTENT_TYPES,
    NULLS,
    PK_NUMBER,
    PK_STRING,
    PREFIX_COLUMNS,
    SPELLING,
    TEXT_COLUMNS,
    build_document,
    build_schema,
    column_name,
    decode_filter_value,
    encode_filter_value,
    filter_field_name,
    filter_kind,
    index_name,
)
from .store import KEY_FIELD, IndexStore

# Words of a query beyond this are ignored: a pasted page must not become a thousand-term query.
MAX_QUERY_TERMS = 64
# Words shorter than this are never corrected: too many words lie one letter away.
SPELLING_MIN_LENGTH = 4
# From this length a word may be two edits away from its correction.
SPELLING_TWO_EDITS_FROM = 8
# Hits fetched when the count is asked first (a paginator does), so that the first page comes
# from the same whoosh search.
COUNT_WINDOW = 20

_stores = {}
_stores_guard = threading.Lock()


def get_store(
    path: Path, language: str, lock_wait: float, swap_wait: float, rebuild_processes: int = 1
) -> IndexStore:
    """One store per directory and process: it holds the cached readers and searchers."""
    key = (str(path.resolve()), language)
    waits = (lock_wait, swap_wait, rebuild_processes)
    with _stores_guard:
        store = _stores.get(key)
        if store is None or (store.lock_wait, store.swap_wait, store.rebuild_processes) != waits:
            store = IndexStore(
                path,
                lambda: build_schema(language),
                lock_wait=lock_wait,
                swap_wait=swap_wait,
                rebuild_processes=rebuild_processes,
            )
            _stores[key] = store
        return store


class _Nothing:
    """A filter that matches no document.

    Not whoosh's NullQuery: whoosh normalises Not(NullQuery) to NullQuery, nothing, where an
    excluded empty set (`.exclude(pk__in=[])`, as `public()` builds) means everything.
    """


NOTHING = _Nothing()


class WhooshIndex(BaseIndex):
    """The documents of one root model and its subclasses, in their own directory."""

    def __init__(self, backend, name: str):
        super().__init__(backend)
        self.name = name

    @property
    def store(self) -> IndexStore:
        return self.backend.get_store(self.name)

    def get_key(self):
        return self.name

    def __str__(self):
        return self.name

    def refresh(self):
        # Asked for explicitly: wait as long as a swap may take, so that what was written is
        # searchable on return even if another process held the lock.
        self.store.flush(self.store.swap_wait)

    def reset(self):
        self.store.reset()

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        documents = [document for document in map(build_document, items) if document]
        self.store.write(add=documents)

    def delete_item(self, item):
        if class_is_indexed(type(item)):
            self.store.write(delete=[force_str(item.pk)])


class _RebuildingIndex(WhooshIndex):
    """What `update_index` fills: a new generation, searchable only once finished."""

    def __init__(self, backend, name: str, rebuild):
        super().__init__(backend, name)
        self.rebuild = rebuild

    def add_items(self, model, items):
        if class_is_indexed(model):
            self.rebuild.add(document for document in map(build_document, items) if document)


class WhooshRebuilder:
    def __init__(self, index: WhooshIndex):
        self.index = index
        self.rebuild = None

    def start(self):
        self.rebuild = self.index.store.rebuild().start()
        return _RebuildingIndex(self.index.backend, self.index.name, self.rebuild)

    def finish(self):
        self.rebuild.finish()


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    # Plain F() expressions on filter fields can be sorted on; other expressions are refused
    # in check().
    HANDLES_ORDER_BY_EXPRESSIONS = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set by the results, which are given the backend: the index and the language.
        self.backend = None
        self._window = None

    @property
    def model(self):
        return self.queryset.model

    # Text -------------------------------------------------------------------------------------

    def _target_fields(self) -> list[tuple[str, float]]:
        if self.fields:
            searchable = {
                field.field_name: field for field in self.model.get_searchable_search_fields()
            }
            return [
                (TEXT_COLUMNS + column_name(searchable[name], self.model), 1.0)
                for name in self.fields
                if name in searchable
            ]
        return self._indexed_columns(TEXT_COLUMNS)

    def _indexed_columns(self, prefix: str) -> list[tuple[str, float]]:
        """Every column of the index whose name starts with `prefix`: a search on all fields
        looks in each (their boosts are in the indexed words' weights)."""
        reader = self.backend.get_store(index_name(self.model)).searcher().reader()
        return [
            (name, 1.0) for name in sorted(reader.indexed_field_names()) if name.startswith(prefix)
        ]

    def _terms(self, text: str) -> list[str]:
        terms = text_query_terms(text, self.backend.language)
        return list(dict.fromkeys(terms))[:MAX_QUERY_TERMS]

    def _term_query(self, term: str, fields, boost: float, fuzzy: bool = False):
        def one(name, field_boost):
            if fuzzy:
                distance = 0 if len(term) < 3 else 1 if len(term) < 6 else 2
                return wq.FuzzyTerm(name, term, boost=boost * field_boost, maxdist=distance)
            return wq.Term(name, term, boost=boost * field_boost)

        queries = [one(name, field_boost) for name, field_boost in fields]
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    def _words(self, text: str, operator: str, boost: float, fuzzy: bool = False):
        fields = self._target_fields()
        terms = self._terms(text)
        if not terms or not fields:
            return wq.NullQuery
        queries = [self._term_query(term, fields, boost, fuzzy) for term in terms]
        if len(queries) == 1:
            return queries[0]
        return wq.And(queries) if operator == "and" else wq.Or(queries)

    def _phrase(self, text: str, boost: float):
        fields = self._target_fields()
        terms = self._terms(text)
        if len(terms) < 2:
            return self._words(text, "and", boost)
        queries = [
            wq.Phrase(name, terms, boost=boost * field_boost) for name, field_boost in fields
        ]
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    def compile_query(self, query, boost: float = 1.0):
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, PlainText):
            return self._words(query.query_string, query.operator, boost * query.boost)
        if isinstance(query, Phrase):
            return self._phrase(query.query_string, boost)
        if isinstance(query, Fuzzy):
            return self._words(query.query_string, query.operator, boost, fuzzy=True)
        if isinstance(query, Boost):
            return self.compile_query(query.subquery, boost * query.boost)
        if isinstance(query, And):
            return wq.And([self.compile_query(each, boost) for each in query.subqueries])
        if isinstance(query, Or):
            return wq.Or([self.compile_query(each, boost) for each in query.subqueries])
        if isinstance(query, Not):
            return wq.Not(self.compile_query(query.subquery, boost))
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the whoosh search backend."
        )

    # Filters ----------------------------------------------------------------------------------

    def _filter_target(self, field_path) -> tuple[str, str]:
        """The whoosh field and the Django internal type a filter path leads to."""
        model = self.model
        prefix = None
        for step in field_path[:-1]:
            column = column_name(step, model) if prefix is None else prefix + step.field_name
            prefix = column + "__"
            model = step.get_field(model).related_model
        field = field_path[-1]
        column = column_name(field, model) if prefix is None else prefix + field.get_attname(model)
        internal_type = field.get_type(model)
        return filter_field_name(internal_type, column), internal_type

    def _resolve(self, value, result_type):
        if isinstance(value, (Query, Subquery)):
            db_alias = self.queryset._db or DEFAULT_DB_ALIAS
            query = value.query if isinstance(value, Subquery) else value
            rows = query.get_compiler(db_alias).execute_sql(result_type=result_type)
            if result_type == SINGLE:
                return rows[0] if rows else None
            return [row[0] for chunk in rows for row in chunk]
        return value

    def _process_lookup(self, field_path, lookup, value):
        name, internal_type = self._filter_target(field_path)
        kind = filter_kind(internal_type)

        def encode(raw):
            try:
                return encode_filter_value(internal_type, raw)
            except (TypeError, ValueError) as error:
                raise FilterError(
                    f'Cannot filter search results on "{name}" with {raw!r}: {error}'
                ) from None

        if lookup == "exact":
            encoded = encode(self._resolve(value, SINGLE))
            return wq.Term(NULLS, name) if encoded is None else wq.Term(name, encoded)
        if lookup == "isnull":
            missing = wq.Term(NULLS, name)
            return missing if value else wq.Not(missing)
        if lookup in ("startswith", "prefix"):
            if kind != "s":
                return None
            return wq.Prefix(name, encode(value))
        if lookup in ("gt", "gte", "lt", "lte", "range"):
            start = end = None
            if lookup == "range":
                start, end = (encode(each) for each in value)
            elif lookup in ("gt", "gte"):
                start = encode(value)
            else:
                end = encode(value)
            range_query = wq.TermRange if kind == "s" else wq.NumericRange
            return range_query(name, start, end, startexcl=lookup == "gt", endexcl=lookup == "lt")
        if lookup == "in":
            values = self._resolve(value, MULTI)
            encoded = [encode(each) for each in values]
            terms = [wq.Term(name, each) for each in dict.fromkeys(encoded) if each is not None]
            return wq.Or(terms) if terms else NOTHING
        return None

    def _process_match_none(self):
        return NOTHING

    def _connect_filters(self, filters, connector, negated):
        filters = [each for each in filters if each is not None]
        if not filters:
            return None
        if connector == "AND":
            combined = NOTHING if NOTHING in filters else _combine(wq.And, filters)
        else:
            rest = [each for each in filters if each is not NOTHING]
            combined = _combine(wq.Or, rest) if rest else NOTHING
        if negated:
            return wq.Every() if combined is NOTHING else wq.Not(combined)
        return combined

    def filter_query(self):
        """The content type and the queryset's filters, as one whoosh query (or NOTHING)."""
        content_type = wq.Term(CONTENT_TYPES, self.model._meta.label_lower)
        filters = self._get_filters_from_queryset()
        if filters is NOTHING:
            return NOTHING
        return content_type if filters is None else wq.And([content_type, filters])

    # Ordering ---------------------------------------------------------------------------------

    def _pk_sort_field(self) -> str:
        pk = get_model_root(self.model)._meta.pk
        while pk.is_relation:
            pk = pk.target_field
        return PK_NUMBER if filter_kind(pk.get_internal_type()) == "i" else PK_STRING

    def sort_keys(self) -> list[tuple[str, bool]] | None:
        """Whoosh fields to sort on, (name, reverse); None for relevance."""
        if self.order_by_relevance:
            return None
        keys = []
        pk_names = {"pk", self.model._meta.pk.attname, self.model._meta.pk.name}
        for item in self.queryset.query.order_by:
            if isinstance(item, OrderBy) and isinstance(item.expression, F):
                field_name, reverse = item.expression.name, item.descending
            elif isinstance(item, str) and item != "?":
                field_name, reverse = item.lstrip("-"), item.startswith("-")
            else:
                raise OrderByFieldError(
                    f'Sorting search results with "{item}" is not supported by this search backend.',
                    field_name=item,
                )
            field = self._get_filterable_field(field_name)
            if field is None and field_name in pk_names:
                keys.append((self._pk_sort_field(), reverse))
                continue
            if field is None:
                raise OrderByFieldError(
                    f'Cannot sort search results with field "{field_name}". Please add index.FilterField("{field_name}") to {self.model.__name__}.search_fields.',
                    field_name=field_name,
                )
            name = filter_field_name(field.get_type(self.model), column_name(field, self.model))
            keys.append((name, reverse))
        # Ties, and no ordering at all, go by primary key descending, as with the other
        # backends: pages of results must not overlap.
        keys.append((self._pk_sort_field(), True))
        return keys

    def check(self):
        super().check()
        self.sort_keys()

    # Running ----------------------------------------------------------------------------------

    def whoosh_query(self):
        return self.compile_query(self.query)

    def run(self, start: int, stop: int | None) -> tuple[list[tuple[str, float | None]], int]:
        """Keys and scores of hits[start:stop], and the total number of hits.

        One whoosh search answers both, and its window is kept: a paginator's count() and the
        page it then slices, or successive small slices, don't search again.
        """
        window = self._window
        if window is None or not (
            window["complete"] or (stop is not None and stop <= window["limit"])
        ):
            window = self._search(stop)
            self._window = window
        return window["hits"][start:stop], window["total"]

    def count(self) -> int:
        if self._window is None:
            self._window = self._search(COUNT_WINDOW)
        return self._window["total"]

    def _search(self, limit: int | None) -> dict:
        filter_query = self.filter_query()
        text_query = self.whoosh_query()
        if filter_query is NOTHING or text_query is wq.NullQuery:
            return {"hits": [], "total": 0, "limit": limit, "complete": True}
        store = self.backend.get_store(index_name(self.model))
        searcher = store.searcher()
        allowed = store.filter_documents(searcher, filter_query)
        keys = self.sort_keys()
        if not keys and ranking.supported(text_query, searcher):
            found, total = ranking.top(searcher, text_query, allowed, limit)
            hits = [(searcher.stored_fields(docnum)[KEY_FIELD], score) for docnum, score in found]
        else:
            hits, total = self._whoosh_search(searcher, text_query, allowed, keys, limit)
        return {
            "hits": hits,
            "total": total,
            "limit": limit,
            "complete": limit is None or len(hits) >= total,
        }

    def _whoosh_search(self, searcher, text_query, allowed, keys, limit):
        # Without block-skipping optimisations whoosh visits every hit once, scoring it and
        # counting it: the total comes from the same pass as the top hits.
        options = {"limit": limit, "filter": allowed, "optimize": False}
        if keys:
            options["sortedby"] = sorting.MultiFacet(
                [sorting.FieldFacet(name, reverse=reverse) for name, reverse in keys]
            )
        results = searcher.search(text_query, **options)
        hits = [(hit[KEY_FIELD], None if keys else float(hit.score)) for hit in results]
        return hits, len(results)

    def facet(self, field_name: str):
        field = self._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                'Cannot facet search results with field "'
                + field_name
                + "\". Please add index.FilterField('"
                + field_name
                + "') to "
                + self.model.__name__
                + ".search_fields.",
                field_name=field_name,
            )
        internal_type = field.get_type(self.model)
        name = filter_field_name(internal_type, column_name(field, self.model))
        filter_query = self.filter_query()
        text_query = self.whoosh_query()
        if filter_query is NOTHING or text_query is wq.NullQuery:
            return OrderedDict()
        store = self.backend.get_store(index_name(self.model))
        searcher = store.searcher()
        allowed = store.filter_documents(searcher, filter_query)
        if ranking.supported(text_query, searcher):
            groups = ranking.facet_counts(searcher, text_query, allowed, name)
        else:
            results = searcher.search(
                text_query,
                limit=None,
                scored=False,
                filter=allowed,
                groupedby={"facet": sorting.FieldFacet(name, allow_overlap=True)},
            )
            groups = {value: len(documents) for value, documents in results.groups("facet").items()}
        counts = [
            (decode_filter_value(internal_type, value), count) for value, count in groups.items()
        ]
        # Most frequent first; among equals, the index's order (values, then missing).
        counts.sort(key=lambda item: -item[1])
        return OrderedDict(counts)


def _combine(operator, queries):
    return queries[0] if len(queries) == 1 else operator(queries)


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Matches word prefixes in AutocompleteFields ("atel" finds "atelier")."""

    def _target_fields(self) -> list[tuple[str, float]]:
        if self.fields:
            autocomplete = {
                field.field_name: field for field in self.model.get_autocomplete_search_fields()
            }
            return [
                (PREFIX_COLUMNS + column_name(autocomplete[name], self.model), 1.0)
                for name in self.fields
                if name in autocomplete
            ]
        return self._indexed_columns(PREFIX_COLUMNS)

    def _terms(self, text: str) -> list[str]:
        return list(dict.fromkeys(prefix_query_terms(text)))[:MAX_QUERY_TERMS]

    def compile_query(self, query, boost: float = 1.0):
        if isinstance(query, Phrase):
            # Word order isn't kept for prefixes: every word of the phrase must start a word.
            return self._words(query.query_string, "and", boost)
        if isinstance(query, Fuzzy):
            raise NotImplementedError(
                "`Fuzzy` is not supported for autocomplete queries by the whoosh search backend."
            )
        return super().compile_query(query, boost)


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def __init__(self, backend, query_compiler, prefetch_related=None):
        super().__init__(backend, query_compiler, prefetch_related=prefetch_related)
        if query_compiler is not None:
            query_compiler.backend = backend

    def _do_search(self):
        hits, _total = self.query_compiler.run(self.start, self.stop)
        if not hits:
            return []
        keys = [key for key, _score in hits]
        objects = {
            force_str(obj.pk): obj for obj in self.query_compiler.queryset.filter(pk__in=keys)
        }
        results = []
        for key, score in hits:
            obj = objects.get(key)
            if obj is None:
                # In the index but not (or no longer) in the queryset.
                continue
            if self._score_field:
                setattr(obj, self._score_field, score)
            results.append(obj)
        return results

    def _do_count(self):
        total = self.query_compiler.count() - self.start
        if self.stop is not None:
            total = min(total, self.stop - self.start)
        return max(total, 0)

    def facet(self, field_name):
        return self.query_compiler.facet(field_name)


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    index_class = WhooshIndex
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    # A failed write is logged, not raised into the request that saved the object: the batch
    # is already in the spool and is applied by the next writer.
    catch_indexing_errors = True

    def __init__(self, params):
        super().__init__(params)
        params = dict(params)
        if not params.get("PATH"):
            raise ImproperlyConfigured("The whoosh search backend needs a PATH.")
        self.path = Path(params["PATH"])
        self.language = params.get("LANGUAGE", "en")
        self.lock_wait = float(params.get("LOCK_WAIT", 2.0))
        self.swap_wait = float(params.get("SWAP_WAIT", 60.0))
        # A rebuild of many documents writes with one process per core, up to four.
        self.rebuild_processes = int(
            params.get("REBUILD_PROCESSES", min(4, len(os.sched_getaffinity(0))))
        )

    def get_store(self, name: str) -> IndexStore:
        return get_store(
            self.path / name,
            self.language,
            self.lock_wait,
            self.swap_wait,
            self.rebuild_processes,
        )

    def get_index_for_model(self, model):
        return self.index_class(self, index_name(model))

    def suggest_spelling(self, model, text: str) -> str | None:
        """`text` with each word no document of `model`'s index contains replaced by the
        closest word of the indexed titles (whoosh's corrector), or None when no word needed
        it or none had a correction. Other words and the separators are kept as typed.

        The lexicon holds every indexed object, visible or not: the caller shows a suggestion
        only if it finds something the person may see.
        """
        reader = self.get_store(index_name(model)).searcher().reader()
        if SPELLING not in reader.schema:
            return None  # an index built before the spelling field: rebuilt by update_index
        columns = [name for name in reader.indexed_field_names() if name.startswith(TEXT_COLUMNS)]
        corrector = reader.corrector(SPELLING)
        corrected, changed, end = [], False, 0
        for match in itertools.islice(re.finditer(WORD_PATTERN, text), MAX_QUERY_TERMS):
            word = match.group()
            replacement = word
            terms = text_query_terms(word, self.language)
            known = any((column, term) in reader for column in columns for term in terms)
            if terms and not known and len(word) >= SPELLING_MIN_LENGTH:
                replacement = self._closest_word(corrector, fold(word)) or word
            changed = changed or replacement != word
            corrected += [text[end : match.start()], replacement]
            end = match.end()
        corrected.append(text[end:])
        return "".join(corrected) if changed else None

    def _closest_word(self, corrector, word: str) -> str | None:
        # Whoosh ranks the words within `maxdist` by frequency only: ask for one edit first.
        most = 2 if len(word) >= SPELLING_TWO_EDITS_FROM else 1
        for distance in range(1, most + 1):
            # The first letter is rarely the mistake, and fixing it narrows the lexicon a lot.
            suggestions = corrector.suggest(word, limit=1, maxdist=distance, prefix=1)
            if suggestions:
                return suggestions[0]
        return None


SearchBackend = WhooshSearchBackend
