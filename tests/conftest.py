import pytest

from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the site once per test database; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("setup_site", verbosity=0)


@pytest.fixture
def home(db):
    """The site as setup_site builds it: home page, sections, groups, workflow.

    Tests that flush the database (transactional ones, the live server) get it rebuilt.
    """
    from website.models import HomePage

    if not HomePage.objects.exists():
        call_command("setup_site", verbosity=0)
    return HomePage.objects.get()


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
