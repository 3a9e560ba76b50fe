"""Production: every secret from the environment, HTTPS only, SMTP mail, tasks in the database."""

from .base import *  # noqa: F403
from .environment import (
    ConfigurationError,
    env_bool,
    env_emails,
    env_int,
    env_list,
    env_str,
    env_url,
)

DEBUG = False
RELAIS_DEMO_ENABLED = False

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ConfigurationError("DJANGO_SECRET_KEY", "doit compter au moins 50 caractères variés")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ConfigurationError(
        "DJANGO_ALLOWED_HOSTS", "est obligatoire (noms de domaine séparés par des virgules)"
    )
if any("/" in host or host == "*" or "#" in host or " " in host for host in ALLOWED_HOSTS):
    # "https://relais.example.org" would match no request: every page would answer 400.
    raise ConfigurationError(
        "DJANGO_ALLOWED_HOSTS", "doit lister des noms de domaine, sans https:// ni chemin ni *"
    )
# Links in the emails Wagtail sends (moderation, notifications) start with it: the embedded
# default, http://127.0.0.1:8000, would send people nowhere.
WAGTAILADMIN_BASE_URL = env_url("RELAIS_BASE_URL", schemes=("https",))

# gunicorn's workers serve one request at a time: a connection kept between requests spares
# each page a connection to PostgreSQL (or SQLite's set-up pragmas). Health checks are on.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)  # noqa: F405

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# Load balancers probe over plain HTTP: a redirect would read as "unhealthy".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Secure- prefix makes browsers refuse these cookies over plain HTTP or from a subdomain.
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"

# Static files under names that hold a hash of their content, each beside its .gz and .br:
# WhiteNoise serves them compressed and, the name changing with the content, cached for ten
# years ("immutable"); a file without a hash in its name is cached for a minute.
STORAGES = {
    **STORAGES,  # noqa: F405 - the media storage chosen in base.py
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Emails to administrators on server errors, when an address is given.
ADMINS = [("Relais", address) for address in env_emails("DJANGO_ADMINS")]
