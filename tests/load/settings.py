"""Load-test settings: production's behaviour (no debug, tasks queued in the database, the
database cache) over plain HTTP on the loopback, with the demo allowed."""

from website.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Each simulated person comes through the proxy with their own address (rate limits count per
# address, as behind the production proxy).
RELAIS_TRUSTED_PROXY_COUNT = 1
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
