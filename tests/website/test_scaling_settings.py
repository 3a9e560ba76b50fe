"""Growing past one machine is a matter of settings: each one switches its part, no code change.

Each case loads the production settings in a fresh process with the variable set, and reads
what Django would use.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "DJANGO_SECRET_KEY": "Jq7-v0u9xq3Kz1p8Lr5mW2nB6cT4yH0aS3dF7gE9hR1kV5jU8iO2lP6wQ4zX0bN",
    "DJANGO_ALLOWED_HOSTS": "relais.example.org",
    "RELAIS_BASE_URL": "https://relais.example.org",
}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({"
    "'database': settings.DATABASES['default']['ENGINE'], "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'cache_location': settings.CACHES['default'].get('LOCATION'), "
    "'tasks': settings.TASKS['default']['BACKEND'], "
    "'search': settings.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], "
    "'media': str(settings.MEDIA_ROOT), "
    "'static': settings.STORAGES['staticfiles']['BACKEND']}))"
)
SWITCHED = [
    "DATABASE_URL",
    "REDIS_URL",
    "SEARCH_BACKEND",
    "OPENSEARCH_URL",
    "RELAIS_TASKS_BACKEND",
    "DJANGO_MEDIA_ROOT",
    "RELAIS_DATA_DIR",
]


def production_settings(tmp_path, **variables) -> dict:
    environment = {name: value for name, value in os.environ.items() if name not in SWITCHED}
    environment.update(PRODUCTION, RELAIS_DATA_DIR=str(tmp_path), **variables)
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_one_machine_runs_on_sqlite_the_database_cache_whoosh_and_the_database_task_queue(tmp_path):
    assert production_settings(tmp_path) == {
        "database": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "cache_location": "relais_cache",
        "tasks": "django_tasks_db.DatabaseBackend",
        "search": "website.search.whoosh",
        "media": str(tmp_path / "media"),
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


@pytest.mark.parametrize(
    ("variables", "key", "expected"),
    [
        (
            {"DATABASE_URL": "postgres://relais:secret@db.internal:5432/relais"},
            "database",
            "django.db.backends.postgresql",
        ),
        (
            {"REDIS_URL": "redis://cache.internal:6379/0"},
            "cache",
            "django.core.cache.backends.redis.RedisCache",
        ),
        (
            {"REDIS_URL": "redis://cache.internal:6379/0"},
            "cache_location",
            "redis://cache.internal:6379/0",
        ),
        (
            {"SEARCH_BACKEND": "opensearch", "OPENSEARCH_URL": "https://search.internal:9200"},
            "search",
            "wagtail.search.backends.opensearch3",
        ),
        ({"SEARCH_BACKEND": "database"}, "search", "wagtail.search.backends.database"),
        (
            {"RELAIS_TASKS_BACKEND": "immediate"},
            "tasks",
            "django_tasks.backends.immediate.ImmediateBackend",
        ),
        ({"DJANGO_MEDIA_ROOT": "/mnt/partage/media"}, "media", "/mnt/partage/media"),
    ],
)
def test_each_scaling_setting_switches_its_part(tmp_path, variables, key, expected):
    assert production_settings(tmp_path, **variables)[key] == expected


def test_the_opensearch_backend_loads_with_its_client_installed(tmp_path):
    show = (
        "import django; django.setup(); from wagtail.search.backends import get_search_backend; "
        "print(type(get_search_backend()).__name__)"
    )
    environment = {name: value for name, value in os.environ.items() if name not in SWITCHED}
    environment.update(
        PRODUCTION,
        RELAIS_DATA_DIR=str(tmp_path),
        SEARCH_BACKEND="opensearch",
        OPENSEARCH_URL="http://127.0.0.1:9",
    )
    done = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "OpenSearch3SearchBackend", done.stderr
