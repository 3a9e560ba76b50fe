import pytest

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from website.factories import StandardPageFactory

BACKENDS = ["whoosh", "database"]
# Stemming needs a stemmer: whoosh has one, PostgreSQL's "french" configuration too, SQLite's
# FTS5 none (it folds case and accents only).
STEMMING_BACKENDS = ["whoosh"] + (["database"] if connection.vendor == "postgresql" else [])
# Accent folding: whoosh and SQLite's FTS5 fold accents; PostgreSQL's "french" configuration
# does not (it would need the unaccent extension, which a database role may not be allowed).
ACCENT_FOLDING_BACKENDS = ["whoosh"] + (["database"] if connection.vendor == "sqlite" else [])


def backend_settings(name: str, tmp_path) -> dict:
    if name == "whoosh":
        return {
            "BACKEND": "website.search.whoosh",
            "PATH": str(tmp_path / "search-index"),
            "LANGUAGE": "fr",
        }
    return {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}


def use_backend(name: str, tmp_path):
    """Make `name` the search backend, on an index built from the current database."""
    overridden = override_settings(
        WAGTAILSEARCH_BACKENDS={"default": backend_settings(name, tmp_path)}
    )
    overridden.enable()
    call_command("update_index", verbosity=0)
    return overridden


@pytest.fixture(params=BACKENDS)
def backend(request, home, tmp_path):
    """Each test runs against whoosh and against Wagtail's database backend."""
    overridden = use_backend(request.param, tmp_path)
    yield request.param
    overridden.disable()


@pytest.fixture(params=STEMMING_BACKENDS)
def stemming_backend(request, home, tmp_path):
    overridden = use_backend(request.param, tmp_path)
    yield request.param
    overridden.disable()


@pytest.fixture(params=ACCENT_FOLDING_BACKENDS)
def accent_folding_backend(request, home, tmp_path):
    overridden = use_backend(request.param, tmp_path)
    yield request.param
    overridden.disable()


@pytest.fixture
def whoosh(home, tmp_path):
    overridden = use_backend("whoosh", tmp_path)
    yield tmp_path / "search-index"
    overridden.disable()


@pytest.fixture
def page(home):
    """Publish a simple page under the home page."""

    def make(title: str, intro: str = "", parent=None, **fields):
        return StandardPageFactory(parent=parent or home, title=title, intro=intro, **fields)

    return make
