"""Settings for modelsearch's conformance suite run against the whoosh backend, without Wagtail.

modelsearch's tests need its test app and `MODELSEARCH_BACKENDS`; the Relais project installs
the search app as `wagtail.search`, so the suite runs in this separate, minimal project
(`make conformance`, or `python -m tests.conformance`).
"""

import tempfile
from pathlib import Path

SECRET_KEY = "conformance-only-key-not-for-production-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

INSTALLED_APPS = [
    "modelsearch.test.testapp",
    "modelsearch",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = []
ROOT_URLCONF = "modelsearch.test.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_URL = "/static/"

# BackendTests loads `fixtures = ["search"]`; the wheel lacks it, so it is looked up here.
FIXTURE_DIRS = [Path(__file__).resolve().parent / "fixtures"]

# The analyzer the site ships (French) runs the English suite: folding, stop words and
# stemming must apply the same way to documents and to queries, whatever the language.
MODELSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "website.search.whoosh",
        "PATH": tempfile.mkdtemp(prefix="relais-conformance-search-"),
        "LANGUAGE": "fr",
    }
}
