"""One whoosh index on disk: one writer at a time, nothing dropped, rebuilt beside itself.

A store is a directory:

    CURRENT         the name of the generation that answers searches, replaced atomically
    ix-<stamp>/     a generation: a complete whoosh index
    spool/          batches of operations not applied yet, one JSON file each
    replay/<ix>/    batches applied while generation <ix> was being rebuilt, to replay into it
    failed/         batches whoosh refused (kept for inspection, logged)
    REBUILDING      the name of the generation a running rebuild writes
    write.lock      flock held by whoever applies the spool or swaps generations
    rebuild.lock    flock held by a running rebuild

Whoosh allows one writer per index and raises LockError on a held lock; several web processes,
the task worker and `update_index` all write. So every write goes through the spool:

1. The batch is written to spool/ (temporary name, then an atomic rename). From then on it
   survives the death of its author.
2. Its author waits at most `lock_wait` seconds for write.lock. The holder of write.lock
   applies every batch in the spool, oldest first, in one whoosh commit, and only then deletes
   them. After releasing the lock it looks at the spool again and goes round once more if a
   batch arrived meanwhile.
3. An author that could not get the lock returns at once: the batch is in the spool, and the
   holder, which has not yet made its post-release check, will apply it.

So no batch is ever lost or left behind while a writer is alive, no request fails or waits
longer than `lock_wait` because another process writes, and whoosh's own lock is only ever
taken by the holder of write.lock (it cannot raise LockError). Applying a batch twice, after a
crash between commit and deletion, is harmless: additions replace by key, deletions are
idempotent.

A rebuild writes a new generation beside the current one without holding write.lock, while the
current generation keeps answering and taking updates. Batches applied during the rebuild are
also kept in replay/; at the end, under write.lock, they are replayed into the new generation,
which then becomes CURRENT. A rebuild that dies leaves CURRENT untouched; its rebuild.lock is
released by the kernel, and the next writer finds the stale marker and deletes what it left.
The previous generation is kept, so that a search that opened it just before the swap finishes.
"""

import fcntl
import itertools
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL

from .ranking import DocumentSet

logger = logging.getLogger(__name__)

CURRENT = "CURRENT"
REBUILDING = "REBUILDING"
SPOOL = "spool"
REPLAY = "replay"
FAILED = "failed"
WRITE_LOCK = "write.lock"
REBUILD_LOCK = "rebuild.lock"
GENERATION_PREFIX = "ix-"
KEY_FIELD = "id"
# Each commit adds a segment, and a search reads every segment. Below this many, a commit
# merges nothing (a merge rewrites postings, and costs more than the commit itself); from it
# on, whoosh's tiered policy merges the small ones, so segments stay few as edits accumulate.
MERGE_FROM = 8
# Filters whose matching documents each thread keeps, per searcher.
FILTER_CACHE_SIZE = 32


def merge_when_many(writer, segments):
    """Whoosh merge policy: merge rarely, but keep the number of segments bounded."""
    if len(segments) < MERGE_FROM:
        return segments
    remaining = MERGE_SMALL(writer, segments)
    if len(remaining) < 2 * MERGE_FROM:
        return remaining
    # Sizes the tiers can't merge: fold all but the largest segment into one.
    largest, *others = sorted(remaining, key=lambda segment: -segment.doc_count_all())
    for segment in others:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [largest]


class _KnownFields:
    """A document's fields that an index's schema has.

    An index written before a field was added to the schema keeps its old schema until
    `update_index` rebuilds it; meanwhile its documents go in without the new field rather
    than being refused whole.
    """

    def __init__(self, schema: Schema):
        self.schema = schema
        self._known = {}

    def only(self, document: dict) -> dict:
        if all(self._has(name) for name in document):
            return document
        return {name: value for name, value in document.items() if self._has(name)}

    def _has(self, name: str) -> bool:
        if name not in self._known:
            self._known[name] = name in self.schema
        return self._known[name]


class RebuildInProgress(RuntimeError):
    pass


class LockTimeout(RuntimeError):
    pass


class FileLock:
    """An exclusive flock, through a file description of its own.

    Each acquisition opens the file anew, so two threads of one process exclude each other as
    two processes do. The kernel drops the lock when its holder dies: a lock is never stale.
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd = None

    def acquire(self, timeout: float) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    os.close(fd)
                    return False
                time.sleep(min(pause, remaining))
                pause = min(pause * 2, 0.02)
            else:
                self._fd = fd
                return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None


class IndexStore:
    def __init__(
        self,
        path: str | os.PathLike,
        schema: Callable[[], Schema],
        *,
        lock_wait: float = 2.0,
        swap_wait: float = 60.0,
        rebuild_processes: int = 1,
    ):
        self.path = Path(path)
        self.schema = schema
        self.lock_wait = lock_wait
        self.swap_wait = swap_wait
        self.rebuild_processes = max(1, rebuild_processes)
        self._indexes = {}
        self._guard = threading.Lock()
        self._local = threading.local()
        self._pid = os.getpid()
        self._sequence = itertools.count()
        for directory in (self.path, self.path / SPOOL, self.path / REPLAY, self.path / FAILED):
            directory.mkdir(parents=True, exist_ok=True)

    # Reading ----------------------------------------------------------------------------------

    def current_generation(self) -> str:
        try:
            return (self.path / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            with self.locked(self.swap_wait):
                return self._current_generation_locked()

    def _current_generation_locked(self) -> str:
        try:
            return (self.path / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            name = self._new_generation()
            self._point_to(name)
            return name

    def index(self, name: str | None = None):
        name = name or self.current_generation()
        self._forget_after_fork()
        with self._guard:
            if name not in self._indexes:
                self._indexes[name] = whoosh_index.open_dir(str(self.path / name))
            return self._indexes[name]

    def searcher(self):
        """This thread's searcher on the current generation, reopened when it has changed.

        Whoosh searchers are not shared between threads, and opening one costs more than a
        search, so each thread keeps its own. A changed index gets a fresh searcher rather than
        whoosh's `refresh()`, which reuses segment readers by segment and so would keep showing
        documents deleted since.
        """
        self._forget_after_fork()
        name = self.current_generation()
        ix = self.index(name)
        generation = ix.latest_generation()
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[:2] == (name, generation):
            return cached[2]
        if cached is not None:
            cached[2].close()
        searcher = ix.searcher()
        self._local.searcher = (name, generation, searcher, OrderedDict())
        return searcher

    def filter_documents(self, searcher, query) -> DocumentSet:
        """The documents a filter query matches, kept with this thread's searcher.

        The same filters (live, public, a section) come back search after search, and
        matching them costs as much as scoring a query's hits. A set, not a whoosh BitSet:
        ranking.py intersects it with a word's postings in C. Not to be modified.
        """
        cached = getattr(self._local, "searcher", None)
        key = repr(query)
        if cached is None or cached[2] is not searcher:
            return DocumentSet(searcher.docs_for_query(query))
        filters = cached[3]
        if key in filters:
            filters.move_to_end(key)
        else:
            filters[key] = DocumentSet(searcher.docs_for_query(query))
            if len(filters) > FILTER_CACHE_SIZE:
                filters.popitem(last=False)
        return filters[key]

    def _forget_after_fork(self) -> None:
        # A forked worker must not read through its parent's file offsets.
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._indexes = {}
            self._local = threading.local()
            self._guard = threading.Lock()

    # Writing ----------------------------------------------------------------------------------

    def write(self, add: Iterable[dict] = (), delete: Iterable[str] = ()) -> bool:
        """Spool a batch, then apply the spool if write.lock comes within `lock_wait`.

        Returns True if the batch is already searchable, False if the process holding the lock
        will apply it. Either way it is durable.
        """
        add, delete = list(add), list(delete)
        if not add and not delete:
            return True
        self._spool({"add": add, "delete": delete})
        return self.flush(self.lock_wait)

    def flush(self, wait: float | None = None) -> bool:
        """Apply every spooled batch. False if another process holds the lock (and will)."""
        wait = self.lock_wait if wait is None else wait
        applied = False
        while True:
            lock = FileLock(self.path / WRITE_LOCK)
            if not lock.acquire(wait):
                return applied
            try:
                self._apply_spool()
            finally:
                lock.release()
            applied = True
            # A batch spooled while we held the lock was left to us: its author found the lock
            # taken. Look again now that the lock is free, without waiting this time.
            if not self.pending():
                return True
            wait = 0

    def pending(self) -> list[str]:
        return sorted(name for name in os.listdir(self.path / SPOOL) if not name.startswith("."))

    def reset(self) -> None:
        """Point CURRENT at a new, empty generation."""
        with self.locked(self.swap_wait):
            self._apply_spool()
            self._point_to(self._new_generation())
            self._prune()

    def rebuild(self) -> "Rebuild":
        return Rebuild(self)

    def optimize(self) -> None:
        with self.locked(self.swap_wait):
            self._apply_spool()
            self.index(self._current_generation_locked()).optimize()

    @contextmanager
    def locked(self, timeout: float):
        """Hold write.lock; on leaving, apply what was spooled meanwhile (see the module)."""
        lock = FileLock(self.path / WRITE_LOCK)
        if not lock.acquire(timeout):
            raise LockTimeout(f"{self.path / WRITE_LOCK} is still held after {timeout} s")
        try:
            yield
        finally:
            lock.release()
        # Batches spooled while we held the lock may have been left to us.
        if self.pending():
            self.flush(0)

    def _spool(self, batch: dict) -> None:
        payload = json.dumps(batch, ensure_ascii=False, separators=(",", ":"))
        # Names sort in the order the batches were made: time, then process, then sequence.
        name = f"{time.time_ns():020d}-{os.getpid():08d}-{next(self._sequence):08d}.json"
        temporary = self.path / SPOOL / f".{name}"
        temporary.write_text(payload, encoding="utf-8")
        os.replace(temporary, self.path / SPOOL / name)

    def _apply_spool(self) -> None:
        """Apply the spool to the current generation. Holds write.lock."""
        names = self.pending()
        if not names:
            return
        batches = []
        for name in names:
            try:
                batches.append((name, json.loads((self.path / SPOOL / name).read_bytes())))
            except FileNotFoundError:
                continue
            except ValueError:
                logger.error("Unreadable search index batch %s set aside", name)
                self._set_aside(name)
        generation = self._current_generation_locked()
        applied = self._apply(self.index(generation), batches)
        rebuilding = self._active_rebuild()
        for name in applied:
            if rebuilding:
                os.replace(self.path / SPOOL / name, self.path / REPLAY / rebuilding / name)
            else:
                (self.path / SPOOL / name).unlink()

    def _apply(self, ix, batches: list[tuple[str, dict]], *, set_aside: bool = True) -> list[str]:
        """Apply batches, oldest first, in one commit; return the names of those applied.

        Within one whoosh writer a deletion doesn't see documents added by the same writer, so
        the batches are first reduced to each key's last state: the committed document is
        deleted, and the last version added, if any. A batch whoosh refuses is set aside and
        the others applied.
        """
        while batches:
            final, source = {}, {}
            for name, batch in batches:
                for key in batch.get("delete", ()):
                    final[key], source[key] = None, name
                for document in batch.get("add", ()):
                    final[document[KEY_FIELD]], source[document[KEY_FIELD]] = document, name
            writer = ix.writer(timeout=self.swap_wait)
            known = _KnownFields(ix.schema)
            refused = None
            for key, document in final.items():
                try:
                    writer.delete_by_term(KEY_FIELD, key)
                    if document is not None:
                        writer.add_document(**known.only(document))
                except Exception:
                    # A half-added document would leave stray postings: drop this commit.
                    refused = source[key]
                    logger.exception("Search index batch %s refused by whoosh", refused)
                    break
            if refused is None:
                writer.commit(mergetype=merge_when_many)
                return [name for name, _batch in batches]
            writer.cancel()
            if set_aside:
                self._set_aside(refused)
            batches = [(name, batch) for name, batch in batches if name != refused]
        return []

    def _set_aside(self, name: str) -> None:
        with suppress(FileNotFoundError):
            os.replace(self.path / SPOOL / name, self.path / FAILED / name)

    # Generations ------------------------------------------------------------------------------

    def _new_generation(self) -> str:
        name = f"{GENERATION_PREFIX}{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        directory = self.path / name
        directory.mkdir()
        whoosh_index.create_in(str(directory), self.schema())
        return name

    def _point_to(self, name: str) -> None:
        temporary = self.path / f".{CURRENT}-{uuid.uuid4().hex}"
        temporary.write_text(name, encoding="utf-8")
        os.replace(temporary, self.path / CURRENT)

    def _active_rebuild(self) -> str | None:
        """The generation a live rebuild writes; clears what a dead one left. Holds write.lock."""
        try:
            name = (self.path / REBUILDING).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        probe = FileLock(self.path / REBUILD_LOCK)
        if not probe.acquire(0):
            return name
        try:
            logger.warning("Discarding search index generation %s of a rebuild that died", name)
            self._discard(name)
        finally:
            probe.release()
        return None

    def _discard(self, name: str) -> None:
        (self.path / REBUILDING).unlink(missing_ok=True)
        shutil.rmtree(self.path / REPLAY / name, ignore_errors=True)
        shutil.rmtree(self.path / name, ignore_errors=True)
        with self._guard:
            self._indexes.pop(name, None)

    def _prune(self) -> None:
        """Keep the current generation and the one before it. Holds write.lock."""
        current = self._current_generation_locked()
        rebuilding = self._active_rebuild()
        generations = sorted(
            entry.name
            for entry in self.path.iterdir()
            if entry.is_dir() and entry.name.startswith(GENERATION_PREFIX)
        )
        older = [name for name in generations if name < current and name != rebuilding]
        keep = {current, rebuilding, *older[-1:]}
        for name in generations:
            if name not in keep:
                shutil.rmtree(self.path / name, ignore_errors=True)
                with self._guard:
                    self._indexes.pop(name, None)

    def generations(self) -> list[str]:
        return sorted(
            entry.name
            for entry in self.path.iterdir()
            if entry.is_dir() and entry.name.startswith(GENERATION_PREFIX)
        )


# Below this many documents a rebuild writes in one process: starting others would cost more
# than it saves. Above, `rebuild_processes` writers share the work (17,000 pages: 24 s -> 14 s
# on two cores).
PARALLEL_FROM = 2000


class Rebuild:
    """A new generation, written beside the current one, then swapped in.

    start() → add() as often as needed → finish(); abort() (or dying) leaves CURRENT as it was.
    """

    # Whoosh sorts a writer's postings in memory up to limitmb, then spills sorted runs to disk
    # and merges them at commit. At 128 MB a 17,000-page rebuild spilled, and took half as long
    # again as at 512 (44 s against 30 s of CPU), for a peak of 540 MB instead of 300.
    def __init__(self, store: IndexStore, *, limitmb: int = 512):
        self.store = store
        self.limitmb = limitmb
        self.generation = None
        self._lock = FileLock(store.path / REBUILD_LOCK)
        self._writer = None
        self._parallel = False
        self._waiting = []  # documents held until their number tells which writer pays
        self._keys = set()
        self._again = []

    def start(self) -> "Rebuild":
        store = self.store
        if not self._lock.acquire(0):
            raise RebuildInProgress(f"Another rebuild of {store.path} is running")
        try:
            with store.locked(store.swap_wait):
                # Until the rebuild is done, searches answer from the current generation.
                store._current_generation_locked()
                store._active_rebuild()
                # What is spooled so far goes to the current generation only: the rebuild reads
                # the data after this point, so it sees those changes itself.
                store._apply_spool()
                self.generation = store._new_generation()
                (store.path / REPLAY / self.generation).mkdir()
                (store.path / REBUILDING).write_text(self.generation, encoding="utf-8")
        except BaseException:
            self.abort()
            raise
        return self

    def add(self, documents: Iterable[dict]) -> None:
        for document in documents:
            key = document[KEY_FIELD]
            if key in self._keys:
                # A buffered document can't be replaced in place; replace it after the commit.
                self._again.append(document)
            else:
                self._keys.add(key)
                if self._writer is not None:
                    self._writer.add_document(**document)
                    continue
                self._waiting.append(document)
                if len(self._waiting) >= PARALLEL_FROM:
                    self._open_writer(self.store.rebuild_processes)

    def _open_writer(self, processes: int) -> None:
        index = self.store.index(self.generation)
        self._parallel = processes > 1
        if self._parallel:
            # Each process writes a segment of its own, kept as is: merging them into one
            # would cost again what writing them side by side saved.
            self._writer = index.writer(procs=processes, multisegment=True, limitmb=self.limitmb)
        else:
            self._writer = index.writer(limitmb=self.limitmb)
        waiting, self._waiting = self._waiting, []
        for document in waiting:
            self._writer.add_document(**document)

    def finish(self) -> None:
        store = self.store
        try:
            if self._writer is None:
                self._open_writer(1)
            # The long part (writing the postings) runs without write.lock.
            writer, self._writer = self._writer, None
            writer.commit(optimize=not self._parallel)
            with store.locked(store.swap_wait):
                store._apply_spool()
                replay_dir = store.path / REPLAY / self.generation
                batches = [
                    (name, json.loads((replay_dir / name).read_bytes()))
                    for name in sorted(os.listdir(replay_dir))
                ]
                if self._again:
                    batches.insert(0, ("duplicates", {"add": self._again}))
                store._apply(store.index(self.generation), batches, set_aside=False)
                store._point_to(self.generation)
                (store.path / REBUILDING).unlink(missing_ok=True)
                shutil.rmtree(replay_dir, ignore_errors=True)
                store._prune()
        except BaseException:
            self.abort()
            raise
        finally:
            self._lock.release()

    def abort(self) -> None:
        store = self.store
        if self._writer is not None:
            writer, self._writer = self._writer, None
            try:
                writer.cancel()
            except Exception:
                logger.exception("Cancelling the rebuild's whoosh writer failed")
        if self._lock.held and self.generation is not None:
            lock = FileLock(store.path / WRITE_LOCK)
            if lock.acquire(store.swap_wait):
                try:
                    current = store._current_generation_locked()
                    if current != self.generation:
                        store._discard(self.generation)
                finally:
                    lock.release()
        self._lock.release()

    def __del__(self):
        # A rebuild dropped half-way (an exception in the caller) must not keep the marker.
        if self._lock.held:
            try:
                self.abort()
            except Exception:
                logger.exception("Abandoning a search index rebuild failed")
