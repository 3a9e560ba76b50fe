"""The whoosh index on disk: rebuilt beside itself, kept compact."""

import pytest

from django.core.management import call_command

from wagtail.models import Page

from tests.search import workers
from website.search.whoosh import store as store_module
from website.search.whoosh.store import CURRENT, FAILED

pytestmark = pytest.mark.django_db


def test_searches_answer_from_the_old_index_until_a_rebuild_swaps_in(tmp_path):
    store = workers.open_store(tmp_path / "index")
    store.write(add=[workers.document("kept"), workers.document("dropped")])
    rebuild = store.rebuild().start()
    rebuild.add([workers.document("kept"), workers.document("rebuilt")])

    assert workers.keys(store) == {"kept", "dropped"}
    # An edit made during the rebuild reaches both the live index and the new one.
    store.write(add=[workers.document("edited")], delete=["kept"])
    assert workers.keys(store) == {"dropped", "edited"}

    rebuild.finish()
    assert workers.keys(store) == {"rebuilt", "edited"}


def test_a_large_rebuild_is_written_by_several_processes(tmp_path, monkeypatch):
    # Past PARALLEL_FROM documents, whoosh's multiprocess writer shares the work: one segment
    # per process, every document there once, edits made meanwhile replayed on top.
    monkeypatch.setattr(store_module, "PARALLEL_FROM", 40)
    store = workers.open_store(tmp_path / "index")
    store.rebuild_processes = 2
    store.write(add=[workers.document("old")])
    rebuild = store.rebuild().start()
    rebuild.add(workers.document(f"d{item}") for item in range(300))
    store.write(add=[workers.document("edited")], delete=["d7"])
    rebuild.finish()

    expected = {f"d{item}" for item in range(300)} - {"d7"} | {"edited"}
    assert workers.keys(store) == expected
    assert len(store.index().reader().leaf_readers()) >= 2


def test_a_small_rebuild_stays_in_one_process_and_one_segment(tmp_path):
    store = workers.open_store(tmp_path / "index")
    store.rebuild_processes = 2
    rebuild = store.rebuild().start()
    rebuild.add(workers.document(f"d{item}") for item in range(30))
    rebuild.finish()
    assert workers.keys(store) == {f"d{item}" for item in range(30)}
    assert len(store.index().reader().leaf_readers()) == 1


def test_many_small_edits_are_merged_into_few_segments(tmp_path):
    store = workers.open_store(tmp_path / "index")
    for item in range(300):
        store.write(add=[workers.document(f"d{item % 50}")])
    assert workers.keys(store) == {f"d{item}" for item in range(50)}
    assert len(store.index().reader().leaf_readers()) <= 10


def test_update_index_builds_a_new_generation_and_keeps_the_previous_one(whoosh, page):
    page("Atelier numérique")
    pages = whoosh / "wagtailcore.page"
    before = (pages / CURRENT).read_text()
    call_command("update_index", verbosity=0)
    after = (pages / CURRENT).read_text()
    assert after != before
    assert sorted(entry.name for entry in pages.iterdir() if entry.name.startswith("ix-")) == [
        before,
        after,
    ]
    assert [p.title for p in Page.objects.search("atelier")] == ["Atelier numérique"]


def test_a_batch_whoosh_refuses_is_set_aside_and_the_others_applied(tmp_path):
    path = tmp_path / "index"
    store = workers.open_store(path)
    store.write(add=[workers.document("before")])
    refused = {**workers.document("refused"), "fi_number": "not a number"}
    store.write(add=[refused])
    store.write(add=[workers.document("after")])
    assert workers.keys(store) == {"before", "after"}
    assert store.pending() == []
    assert len(list((path / FAILED).iterdir())) == 1
