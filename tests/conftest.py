import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from tests import snapshot

# Property tests: the same examples on every run (a red CI is reproducible), no deadline (timings
# on 2 shared cores mean nothing), no example database, and hypothesis's own caches kept out of
# the work tree.
settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=40, database=None, print_blob=True
)
settings.load_profile("ci")
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "relais-hypothesis")

# When the demo is seeded for tests, unless a module sets DEMO_CLOCK: a Monday morning.
DEMO_CLOCK = datetime(2026, 10, 19, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "search: saves update the search index as in production (see below)"
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.parent.name == "search":
            item.add_marker(pytest.mark.search)


@pytest.fixture(autouse=True)
def search_index(request, monkeypatch):
    """Saves index as in production for tests marked `search`; no other test may search.

    The test settings index nothing on save (a third of the time of a test that creates
    pages). A test that searched without the mark would search an index missing its pages,
    and a "draft not found" assertion would pass for the wrong reason: it fails instead.
    """
    if request.node.get_closest_marker("search"):
        backends = {
            name: {**config, "AUTO_UPDATE": True}
            for name, config in django_settings.WAGTAILSEARCH_BACKENDS.items()
        }
        with override_settings(WAGTAILSEARCH_BACKENDS=backends):
            yield
        return

    from modelsearch.backends import get_search_backends
    from modelsearch.backends.base import BaseSearchBackend

    unguarded = BaseSearchBackend._search

    def guarded(backend, *args, **kwargs):
        if not any(get_search_backends(with_auto_update=True)):
            pytest.fail("This test searches: mark it @pytest.mark.search, so that saves index.")
        return unguarded(backend, *args, **kwargs)

    monkeypatch.setattr(BaseSearchBackend, "_search", guarded)
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the site once per test database; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("setup_site", verbosity=0)
    snapshot.take(django_db_blocker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that flushed the database (a transactional one, the live server) leaves the site
    back in it for the next one (after the last, the test database is gone)."""
    yield
    if nextitem is not None:
        snapshot.restore_if_flushed()


@pytest.fixture
def home(db):
    """The site as setup_site builds it: home page, sections, groups, workflow."""
    from website.models import HomePage

    return HomePage.objects.get()


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker, request):
    """The demo, seeded once for a whole test module, inside a transaction rolled back after it.

    Seeding takes seconds; a module of tests that read the demo shares one. Each test still
    runs in its own transaction (a savepoint within this one), so what a test changes is gone
    for the next. A module using it must not also use the live server or transactional tests.
    """
    clock = getattr(request.module, "DEMO_CLOCK", DEMO_CLOCK)
    module_transaction = transaction.atomic()
    with django_db_blocker.unblock():
        module_transaction.__enter__()
        try:
            with (
                time_machine.travel(clock, tick=False),
                override_settings(RELAIS_DEMO_ENABLED=True),
            ):
                call_command("seed_demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: rate-limit counts and cached pages do not leak."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def client(client):
    # Tests speak to the site as a browser on its default host would.
    client.defaults["HTTP_HOST"] = "localhost"
    return client


@pytest.fixture
def database_cache(db, settings):
    """The embedded production cache (a database table), for tests that count queries: with the
    in-memory test cache, a cache read per item would not show as a query."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "test_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    yield
    caches["default"].clear()
