"""Growing past one machine is a matter of settings: each one switches its part, no code change.

Each case executes the production settings module afresh with the variable set, and reads what
Django would use. The modules run in this process (a fresh interpreter per case cost seconds
each); the settings Django already runs with are left as they were.
"""

import importlib
import sys

import pytest
from storages.backends.s3 import S3Storage

from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings

from wagtail.search.backends import get_search_backend

from website.settings.environment import ConfigurationError

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "DJANGO_SECRET_KEY": "Jq7-v0u9xq3Kz1p8Lr5mW2nB6cT4yH0aS3dF7gE9hR1kV5jU8iO2lP6wQ4zX0bN",
    "DJANGO_ALLOWED_HOSTS": "relais.example.org",
    "RELAIS_BASE_URL": "https://relais.example.org",
}
SWITCHED = [
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "CACHE_URL",
    "REDIS_URL",
    "SEARCH_BACKEND",
    "OPENSEARCH_URL",
    "RELAIS_TASKS_BACKEND",
    "DJANGO_MEDIA_ROOT",
    "MEDIA_STORAGE_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "RELAIS_DATA_DIR",
]
# Kept: the module whose ConfigurationError the tests catch.
KEPT = "website.settings.environment"


@pytest.fixture
def production_settings(monkeypatch, tmp_path):
    """Execute website.settings.production with these variables; its settings as a dict."""

    def load(**variables) -> dict:
        for name in SWITCHED:
            monkeypatch.delenv(name, raising=False)
        for name, value in {**PRODUCTION, "RELAIS_DATA_DIR": str(tmp_path), **variables}.items():
            monkeypatch.setenv(name, value)
        loaded = {
            name: module
            for name, module in sys.modules.items()
            if name.startswith("website.settings.") and name != KEPT
        }
        for name in loaded:
            del sys.modules[name]
        try:
            module = importlib.import_module("website.settings.production")
            return {name: value for name, value in vars(module).items() if name.isupper()}
        finally:
            for name in [name for name in sys.modules if name.startswith("website.settings.")]:
                if name != KEPT:
                    del sys.modules[name]
            sys.modules.update(loaded)

    return load


def summary(settings: dict) -> dict:
    return {
        "database": settings["DATABASES"]["default"]["ENGINE"],
        "cache": settings["CACHES"]["default"]["BACKEND"],
        "cache_location": settings["CACHES"]["default"].get("LOCATION"),
        "tasks": settings["TASKS"]["default"]["BACKEND"],
        "search": settings["WAGTAILSEARCH_BACKENDS"]["default"]["BACKEND"],
        "media": str(settings["MEDIA_ROOT"]),
        "media_storage": settings["STORAGES"]["default"]["BACKEND"],
        "media_url": settings["MEDIA_URL"],
        "static": settings["STORAGES"]["staticfiles"]["BACKEND"],
    }


def test_one_machine_runs_on_sqlite_the_database_cache_whoosh_and_the_database_task_queue(
    production_settings, tmp_path
):
    assert summary(production_settings()) == {
        "database": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "cache_location": "relais_cache",
        "tasks": "django_tasks_db.DatabaseBackend",
        "search": "website.search.whoosh",
        "media": str(tmp_path / "media"),
        "media_storage": "django.core.files.storage.FileSystemStorage",
        "media_url": "/media/",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


def test_production_workers_keep_their_database_connection_unless_told_otherwise(
    production_settings,
):
    postgres = {"DATABASE_URL": "postgres://relais:secret@db.internal:5432/relais"}
    assert production_settings(**postgres)["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert production_settings(**postgres)["DATABASES"]["default"]["CONN_HEALTH_CHECKS"]
    fresh_each_time = production_settings(**postgres, DATABASE_CONN_MAX_AGE="0")
    assert fresh_each_time["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    with pytest.raises(ConfigurationError, match="DATABASE_CONN_MAX_AGE"):
        production_settings(DATABASE_CONN_MAX_AGE="une minute")


@pytest.mark.parametrize(
    ("variables", "key", "expected"),
    [
        (
            {"DATABASE_URL": "postgres://relais:secret@db.internal:5432/relais"},
            "database",
            "django.db.backends.postgresql",
        ),
        (
            {"CACHE_URL": "redis://cache.internal:6379/0"},
            "cache",
            "django.core.cache.backends.redis.RedisCache",
        ),
        (
            {"CACHE_URL": "rediss://cache.internal:6380/1"},
            "cache_location",
            "rediss://cache.internal:6380/1",
        ),
        (
            {"CACHE_URL": "unix:///run/redis/redis.sock?db=2"},
            "cache_location",
            "unix:///run/redis/redis.sock?db=2",
        ),
        # The older name still works, so that an existing deployment keeps its cache.
        (
            {"REDIS_URL": "redis://cache.internal:6379/0"},
            "cache_location",
            "redis://cache.internal:6379/0",
        ),
        (
            {"CACHE_URL": "db://relais_cache_bis"},
            "cache",
            "django.core.cache.backends.db.DatabaseCache",
        ),
        ({"CACHE_URL": "db://relais_cache_bis"}, "cache_location", "relais_cache_bis"),
        ({"CACHE_URL": "db://"}, "cache_location", "relais_cache"),
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
        (
            {"MEDIA_STORAGE_URL": "s3://relais-medias?endpoint=https://s3.example.org"},
            "media_storage",
            "storages.backends.s3.S3Storage",
        ),
    ],
)
def test_each_scaling_setting_switches_its_part(production_settings, variables, key, expected):
    assert summary(production_settings(**variables))[key] == expected


def test_the_opensearch_backend_loads_with_its_client_installed(production_settings):
    backends = production_settings(
        SEARCH_BACKEND="opensearch", OPENSEARCH_URL="http://127.0.0.1:9"
    )["WAGTAILSEARCH_BACKENDS"]

    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        backend = get_search_backend()

    assert type(backend).__name__ == "OpenSearch3SearchBackend"


# --- Media on S3-compatible storage -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "options", "media_url"),
    [
        (
            "s3://relais-medias?endpoint=https://s3.fr-par.scw.cloud&region=fr-par",
            {"endpoint_url": "https://s3.fr-par.scw.cloud", "region_name": "fr-par"},
            "https://s3.fr-par.scw.cloud/relais-medias/",
        ),
        (
            "s3://relais-medias/site?endpoint=http://127.0.0.1:9000/",
            {"endpoint_url": "http://127.0.0.1:9000", "location": "site"},
            "http://127.0.0.1:9000/relais-medias/site/",
        ),
        (
            "s3://relais-medias?region=eu-west-3&domain=medias.relais.example.org",
            {"custom_domain": "medias.relais.example.org", "region_name": "eu-west-3"},
            "https://medias.relais.example.org/",
        ),
        ("s3://relais.medias", {"location": ""}, "https://s3.amazonaws.com/relais.medias/"),
        (
            "s3://relais-medias?region=eu-west-3",
            {"region_name": "eu-west-3"},
            "https://s3.eu-west-3.amazonaws.com/relais-medias/",
        ),
    ],
)
def test_media_storage_url_puts_uploads_on_s3_compatible_storage(
    production_settings, url, options, media_url
):
    storage = production_settings(MEDIA_STORAGE_URL=url)["STORAGES"]["default"]
    chosen = storage["OPTIONS"]

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["bucket_name"] in url
    assert options.items() <= chosen.items()
    # Plain URLs, shared by every visitor of a cached page; uploads never replace each other.
    assert chosen["querystring_auth"] is False
    assert chosen["file_overwrite"] is False
    # MEDIA_URL is where the storage's URLs start: the Content-Security-Policy allows its origin.
    assert production_settings(MEDIA_STORAGE_URL=url)["MEDIA_URL"] == media_url
    link = S3Storage(**chosen).url("images/affiche lieu.jpg")
    assert link == f"{media_url}images/affiche%20lieu.jpg"


def test_the_storage_keys_come_from_the_aws_variables_not_from_the_url(
    production_settings, monkeypatch
):
    url = "s3://relais-medias?endpoint=https://s3.example.org"
    options = production_settings(MEDIA_STORAGE_URL=url)["STORAGES"]["default"]["OPTIONS"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "CLE-PUBLIQUE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "cle-secrete-0123")

    storage = S3Storage(**options)

    assert (storage.access_key, storage.secret_key) == ("CLE-PUBLIQUE", "cle-secrete-0123")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"CACHE_URL": "memcached://cache.internal:11211"},
            "CACHE_URL doit être une URL db ou redis ou rediss ou unix (reçu « memcached »)",
        ),
        # A per-process cache would let each worker count rate limits and take run locks alone.
        ({"CACHE_URL": "locmem://"}, "CACHE_URL doit être une URL db ou redis"),
        ({"CACHE_URL": "db://relais;DROP TABLE"}, "CACHE_URL doit nommer une table"),
        (
            {"CACHE_URL": "redis://a:6379/0", "REDIS_URL": "redis://b:6379/0"},
            "REDIS_URL est l'ancien nom de CACHE_URL",
        ),
        ({"MEDIA_STORAGE_URL": "ftp://medias.example.org"}, "doit être une URL s3://seau"),
        ({"MEDIA_STORAGE_URL": "s3://"}, "doit nommer un seau"),
        ({"MEDIA_STORAGE_URL": "s3://seau?acl=public"}, "ne connaît pas le paramètre « acl »"),
        ({"MEDIA_STORAGE_URL": "s3://seau?endpoint=s3.example.org"}, "endpoint http(s)://hôte"),
        ({"MEDIA_STORAGE_URL": "s3://seau?domain=<script>"}, "domain de la forme"),
        ({"MEDIA_STORAGE_URL": "s3://[seau"}, "URL illisible"),
        ({"MEDIA_STORAGE_URL": "s3://se\nau?endpoint=" + "y" * 10_000}, "MEDIA_STORAGE_URL"),
    ],
)
def test_a_wrong_cache_or_storage_url_stops_start_up_with_one_french_line(
    production_settings, variables, message
):
    with pytest.raises(ConfigurationError) as stopped:
        production_settings(**variables)

    line = str(stopped.value.code)
    assert line.startswith("Configuration invalide : ")
    assert message in line
    assert "\n" not in line
    assert len(line) < 200


def test_keys_written_into_the_storage_url_are_refused_without_being_repeated(
    production_settings,
):
    with pytest.raises(ConfigurationError) as stopped:
        production_settings(
            MEDIA_STORAGE_URL="s3://CLEPUBLIQUE:cle-tres-secrete@relais-medias?endpoint=https://s3.example.org"
        )

    line = str(stopped.value.code)
    assert "AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY" in line
    assert "cle-tres-secrete" not in line
    assert "CLEPUBLIQUE" not in line


# --- Static files -------------------------------------------------------------------------------

PRODUCTION_STATIC = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def collected_static(tmp_path):
    """The production static storage, collected into a temporary folder.

    Wagtail's admin files and the Leaflet library are left out: compressing them takes most of
    a minute, and the public pages name only the site's own files.
    """
    root = tmp_path / "static"
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": PRODUCTION_STATIC},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["wagtail*", "leaflet*", "*.map", "images"],
        )
        yield root


def test_static_files_are_collected_under_hashed_names_beside_gzip_and_brotli(collected_static):
    css = static("css/relais.css")

    assert css.startswith("/static/css/relais.") and css != "/static/css/relais.css"
    hashed = collected_static / css.removeprefix("/static/")
    assert hashed.is_file()
    assert hashed.with_name(hashed.name + ".gz").is_file()
    assert hashed.with_name(hashed.name + ".br").is_file()


def test_pages_name_the_hashed_files_which_are_served_compressed_and_cached_for_years(
    collected_static, home, client
):
    page = client.get("/", secure=True)
    css = static("css/relais.css")

    assert page.status_code == 200
    assert f'href="{css}"' in page.content.decode()

    served = client.get(css, secure=True, headers={"accept-encoding": "gzip, br"})
    assert served.status_code == 200
    assert served["Content-Encoding"] == "br"
    assert served["Cache-Control"] == "max-age=315360000, public, immutable"
    # A file whose name holds no hash may change under the same name: cached a short while.
    plain = client.get("/static/css/relais.css", secure=True)
    assert plain["Cache-Control"] == "max-age=60, public"
