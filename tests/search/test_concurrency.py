"""Several processes writing one whoosh index: nothing lost, nothing corrupted, nobody fails.

Real processes, synchronised with barriers: web workers publishing and deleting while
`update_index` rebuilds and a visitor searches.
"""

import multiprocessing
import time

from tests.search import workers
from website.search.whoosh.store import FAILED, REBUILDING, SPOOL, RebuildInProgress

# Spawned rather than forked: the test process holds database connections and threads.
CONTEXT = multiprocessing.get_context("spawn")
TIMEOUT = 120


def run(processes, errors):
    for process in processes:
        process.start()
    for process in processes:
        process.join(TIMEOUT)
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert not reported, "\n".join(reported)
    assert [process.exitcode for process in processes] == [0] * len(processes)


def test_writers_a_rebuild_and_a_reader_at_once_lose_no_update(tmp_path):
    path = tmp_path / "index"
    writers, count, rebuilt = 4, 40, 60
    seed = workers.open_store(path)
    seed.write(add=[workers.document(f"r{item}") for item in range(rebuilt)])

    errors = CONTEXT.Queue()
    start = CONTEXT.Barrier(writers + 2, timeout=TIMEOUT)
    halfway = CONTEXT.Barrier(writers + 1, timeout=TIMEOUT)
    stop = CONTEXT.Event()
    handed_over = CONTEXT.Value("i", 0)
    processes = [
        CONTEXT.Process(
            target=workers.writer,
            args=(path, number, count, start, halfway, handed_over, errors),
        )
        for number in range(writers)
    ]
    processes.append(
        CONTEXT.Process(target=workers.rebuilder, args=(path, rebuilt, start, halfway, errors))
    )
    reader = CONTEXT.Process(target=workers.reader, args=(path, start, stop, errors))
    reader.start()
    try:
        run(processes, errors)
    finally:
        stop.set()
        reader.join(TIMEOUT)
    assert reader.exitcode == 0

    # The writers did contend: some writes were left to the process holding the lock.
    assert handed_over.value > 0
    store = workers.open_store(path)
    # Every writer has returned: whoever held the lock last applied the whole spool.
    assert store.pending() == []
    assert list((path / FAILED).iterdir()) == []
    assert not (path / REBUILDING).exists()
    expected = {f"r{item}" for item in range(writers, rebuilt)} | {
        f"w{number}-{item}" for number in range(writers) for item in range(count) if item % 3
    }
    assert workers.keys(store) == expected
    assert store.searcher().doc_count() == len(expected)  # no duplicate documents
    assert len(store.generations()) <= 2


def test_a_write_while_another_process_holds_the_lock_returns_at_once_and_is_applied(
    tmp_path,
):
    path = tmp_path / "index"
    store = workers.open_store(path, lock_wait=0.2)
    store.write(add=[workers.document("early")])
    errors = CONTEXT.Queue()
    held = CONTEXT.Barrier(2, timeout=TIMEOUT)
    release = CONTEXT.Barrier(2, timeout=TIMEOUT)
    holder = CONTEXT.Process(target=workers.lock_holder, args=(path, held, release, errors))
    holder.start()
    held.wait()

    started = time.monotonic()
    applied = store.write(add=[workers.document("late")], delete=["early"])
    waited = time.monotonic() - started

    assert applied is False
    assert waited < 1.0
    assert workers.keys(store) == {"early"}
    assert len(list((path / SPOOL).iterdir())) == 1  # durable, waiting for the holder
    release.wait()
    holder.join(TIMEOUT)
    assert holder.exitcode == 0
    # The holder applied it on its way out; this process did nothing more.
    assert workers.keys(store) == {"late"}
    assert store.pending() == []


def test_a_rebuild_killed_half_way_leaves_the_index_as_it_was(tmp_path):
    path = tmp_path / "index"
    store = workers.open_store(path)
    store.write(add=[workers.document("old")])
    before = store.current_generation()
    errors = CONTEXT.Queue()
    crash = CONTEXT.Process(target=workers.crashing_rebuild, args=(path, errors))
    crash.start()
    crash.join(TIMEOUT)
    assert crash.exitcode == 3
    assert (path / REBUILDING).exists()

    assert store.current_generation() == before
    assert workers.keys(store) == {"old"}
    # The next writer notices the dead rebuild and removes what it left.
    assert store.write(add=[workers.document("after")]) is True
    assert not (path / REBUILDING).exists()
    assert store.generations() == [before]
    assert workers.keys(store) == {"old", "after"}

    rebuild = store.rebuild().start()
    rebuild.add([workers.document("fresh")])
    rebuild.finish()
    assert workers.keys(store) == {"fresh"}


def test_a_second_rebuild_while_one_runs_is_refused(tmp_path):
    store = workers.open_store(tmp_path / "index")
    first = store.rebuild().start()
    try:
        second = store.rebuild()
        try:
            second.start()
        except RebuildInProgress:
            pass
        else:
            raise AssertionError("two rebuilds ran at once")
    finally:
        first.abort()
    assert store.rebuild().start().abort() is None
