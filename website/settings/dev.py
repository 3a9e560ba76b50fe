"""Local development: debug on, mail to the console, tasks run at once, a key kept under var/."""

import secrets

from .base import *  # noqa: F403
from .base import DATA_DIR, SECRET_KEY
from .environment import env_str

DEBUG = True
RELAIS_DEMO_ENABLED = True


def _local_secret_key() -> str:
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = SECRET_KEY or _local_secret_key()
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Static files straight from the apps' folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
