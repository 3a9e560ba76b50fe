"""Tests: fast hashing, an in-memory cache, tasks at once, no real mail, files in a temp folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
RELAIS_DEMO_ENABLED = True
SECRET_KEY = "test-only-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off, so that query counts and pages of other tests are their own; tests/website/test_page_cache.py
# switches it on.
RELAIS_PAGE_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="relais-test-media-"))
WAGTAILSEARCH_BACKENDS["default"]["PATH"] = tempfile.mkdtemp(prefix="relais-test-search-")  # noqa: F405
# Indexing each save is a third of the time of a test that creates pages. Tests that search
# are marked `search` and index each save as production does; tests/conftest.py fails any
# other test that searches, so that none passes by finding nothing in an index left empty.
WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://localhost"
# Static files straight from the apps' folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
