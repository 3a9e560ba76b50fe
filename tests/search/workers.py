"""Processes for the concurrency tests.

Each one opens the index directory as a web worker or `update_index` would, in a process of
its own (spawned: it shares nothing with the test process but the directory). A failure is
reported through `errors` with its traceback, and by the exit code.
"""

import functools
import os
import traceback

from whoosh.query import Term

from website.search.whoosh.analysis import text_query_terms
from website.search.whoosh.mapping import build_schema
from website.search.whoosh.store import IndexStore


def document(key: str) -> dict:
    return {"id": key, "ct": "tests.document", "t_body": f"atelier numérique {key}"}


def open_store(path, lock_wait: float = 2.0) -> IndexStore:
    return IndexStore(path, lambda: build_schema("fr"), lock_wait=lock_wait)


def keys(store: IndexStore) -> set[str]:
    return {fields["id"] for fields in store.searcher().documents()}


def _reporting(function):
    @functools.wraps(function)
    def run(*arguments):
        try:
            function(*arguments)
        except BaseException:
            arguments[-1].put(traceback.format_exc())
            raise

    return run


@_reporting
def writer(path, number, count, start, halfway, handed_over, errors):
    """A web worker: publishes `count` pages, deletes a third of them and one rebuilt page.

    Counts in `handed_over` the writes it left to the process holding the lock.
    """
    # A short wait makes contention, and the hand-over to the lock holder, frequent.
    store = open_store(path, lock_wait=0.01)
    start.wait()
    applied = []
    for item in range(count):
        applied.append(store.write(add=[document(f"w{number}-{item}")]))
        if item == count // 2:
            halfway.wait()
    for item in range(0, count, 3):
        applied.append(store.write(delete=[f"w{number}-{item}"]))
    applied.append(store.write(delete=[f"r{number}"]))
    with handed_over.get_lock():
        handed_over.value += applied.count(False)


@_reporting
def rebuilder(path, count, start, halfway, errors):
    """update_index: rebuilds from a snapshot of `count` pages while the writers write."""
    store = open_store(path, lock_wait=0.01)
    rebuild = store.rebuild().start()
    start.wait()
    rebuild.add(document(f"r{item}") for item in range(count // 2))
    halfway.wait()
    rebuild.add(document(f"r{item}") for item in range(count // 2, count))
    rebuild.finish()


@_reporting
def reader(path, start, stop, errors):
    """A visitor: searches without pause; every search must answer, and find something."""
    store = open_store(path)
    start.wait()
    searches = 0
    while not stop.is_set() or searches == 0:
        searcher = store.searcher()
        hits = searcher.search(Term("t_body", text_query_terms("atelier", "fr")[0]), limit=5)
        assert len(hits) > 0, "a search found nothing during the rebuild"
        searches += 1


@_reporting
def lock_holder(path, held, release, errors):
    """A process in the middle of a long write: holds the lock until told to let go."""
    store = open_store(path)
    with store.locked(timeout=10):
        held.wait()
        release.wait()


@_reporting
def crashing_rebuild(path, errors):
    """update_index killed half-way (OOM killer, deploy): no finish, no cleanup."""
    store = open_store(path)
    rebuild = store.rebuild().start()
    rebuild.add(document(f"new{item}") for item in range(50))
    os._exit(3)
