"""SEARCH_BACKEND switches the backend with no code change; a wrong value stops start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'search': settings.WAGTAILSEARCH_BACKENDS['default'], "
    "'app': 'website.search' in settings.INSTALLED_APPS}))"
)


def load_settings(tmp_path, **variables):
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SEARCH_BACKEND", "OPENSEARCH_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="website.settings.base", RELAIS_DATA_DIR=str(tmp_path), **variables
    )
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_whoosh_is_the_default_with_its_index_under_the_data_directory(tmp_path):
    loaded = json.loads(load_settings(tmp_path).stdout)
    assert loaded == {
        "search": {
            "BACKEND": "website.search.whoosh",
            "PATH": str(tmp_path / "search"),
            "LANGUAGE": "fr",
        },
        "app": True,
    }


def test_search_backend_database_selects_wagtails_database_backend(tmp_path):
    loaded = json.loads(load_settings(tmp_path, SEARCH_BACKEND="database").stdout)
    assert loaded["search"]["BACKEND"] == "wagtail.search.backends.database"


def test_search_backend_opensearch_reads_its_url(tmp_path):
    loaded = json.loads(
        load_settings(
            tmp_path, SEARCH_BACKEND="opensearch", OPENSEARCH_URL="https://search.example.org:9200"
        ).stdout
    )
    assert loaded["search"]["BACKEND"] == "wagtail.search.backends.opensearch3"
    assert loaded["search"]["URLS"] == ["https://search.example.org:9200"]


def test_opensearch_without_its_url_stops_start_up_with_one_line(tmp_path):
    loaded = load_settings(tmp_path, SEARCH_BACKEND="opensearch")
    assert loaded.returncode != 0
    assert loaded.stderr.strip().splitlines()[-1] == (
        "Configuration invalide : OPENSEARCH_URL est obligatoire et n'est pas définie."
    )


def test_an_unknown_search_backend_stops_start_up_naming_the_choices(tmp_path):
    loaded = load_settings(tmp_path, SEARCH_BACKEND="elasticsearch")
    assert loaded.returncode != 0
    assert loaded.stderr.strip().splitlines()[-1] == (
        "Configuration invalide : SEARCH_BACKEND doit valoir whoosh, database ou opensearch "
        "(reçu « elasticsearch »)."
    )
