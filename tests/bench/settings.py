"""Benchmark settings: production-like (no debug), with its own data folder per size."""

import os

os.environ.setdefault("RELAIS_DATA_DIR", os.path.join("var", "bench"))

from website.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Static files indexed once at start, as in production, rather than looked up on each request.
WHITENOISE_AUTOREFRESH = False
