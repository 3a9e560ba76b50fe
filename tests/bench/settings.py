"""Benchmark settings: production-like (no debug), with its own data folder per size."""

import os

os.environ.setdefault("RELAIS_DATA_DIR", os.path.join("var", "bench"))

from website.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
