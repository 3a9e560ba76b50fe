"""The whole configuration, read from the environment and secure by default.

dev.py, test.py and production.py only override what differs. Every variable is listed,
with its default, in .env.example and in the README.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet

from .environment import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_origins,
    env_str,
    env_url,
)
from .services import cache_from_environment, media_storage_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("RELAIS_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_origins("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many proxies in front of the site append to X-Forwarded-For (0: none, use REMOTE_ADDR).
RELAIS_TRUSTED_PROXY_COUNT = env_int("RELAIS_TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    "website",
    # Reindexes a moved page's subtree, whose paths Wagtail rewrites without saving.
    "website.search",
    "structures",
    "agenda",
    "ressources",
    "veille",
    "bilans",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "website.security.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a cached page for an anonymous visitor costs one cache read.
    "website.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The site, its root paths and settings from memory (hosts allowed by CommonMiddleware).
    "website.site_lookup.SiteLookupMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout into the French "locked out" page.
    "axes.middleware.AxesMiddleware",
]

# Anonymous pages kept in the cache at most this long (website/page_cache.py); 0 switches off.
RELAIS_PAGE_CACHE_SECONDS = env_int("RELAIS_PAGE_CACHE_SECONDS", 300, minimum=0)

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Storage --------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_url(
            "DATABASE_URL",
            f"sqlite:///{DATA_DIR / 'relais.sqlite3'}",
            schemes=("sqlite", "postgres", "postgresql", "pgsql"),
        ),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one process writes; IMMEDIATE takes the write lock at the
    # start of a transaction instead of failing half-way through it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The embedded default is the database cache: shared by every process and server that shares
# the database, so rate limits hold across workers. CACHE_URL=redis://… switches to Redis.
CACHES = {"default": cache_from_environment()}

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "static_collected")))
STATICFILES_DIRS = [
    BASE_DIR / "website" / "static",
    # Third-party front-end libraries come from Python packages, never copied into the repo.
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(DATA_DIR / "media")))
# Uploads in MEDIA_ROOT, or on S3-compatible storage with MEDIA_STORAGE_URL=s3://…
_MEDIA_STORAGE, MEDIA_URL = media_storage_from_environment("/media/")
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Language and time ----------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]

# --- Accounts and login ---------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "website.security.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/compte/connexion/"
# Wagtail's own front-end login (/_util/login/) shows the same French page.
WAGTAIL_FRONTEND_LOGIN_TEMPLATE = "account/login.html"
# No avatars from gravatar.com: no address hash sent to a third party, nothing off-site for
# the admin's Content-Security-Policy to allow.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
SESSION_COOKIE_AGE = env_int("RELAIS_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# "Merci, c'est envoyé" messages live in the session, not in a cookie of their own: the site
# sets only the session and CSRF cookies, so it needs no consent banner.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
PASSWORD_RESET_TIMEOUT = 3 * 3600

# Login throttling for every login form (admin and front end): django-axes counts failures per
# account and address in the database, so the count holds across processes and servers.
AXES_FAILURE_LIMIT = env_int("RELAIS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "website.security.client_ip.client_ip"
AXES_VERBOSE = False

# --- Security headers -----------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form sent without its CSRF token gets a French page in the site's layout.
CSRF_FAILURE_VIEW = "website.security.views.csrf_failure"
# Content-Security-Policy, Permissions-Policy, the request-size ceiling and the guard on
# Wagtail's own forms: website/security/middleware.py. HSTS and secure cookies: production.py.
# Map tiles are the only third-party origin the public pages load (from the map, later).
RELAIS_MAP_TILES_URL = env_url(
    "RELAIS_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", schemes=("https",)
)

# --- Email ----------------------------------------------------------------------------------

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigurationError("EMAIL_USE_SSL", "ne peut pas être activée avec EMAIL_USE_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Relais <ne-pas-repondre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work ------------------------------------------------------------------------

TASKS_BACKEND = env_str("RELAIS_TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ConfigurationError("RELAIS_TASKS_BACKEND", "doit valoir database ou immediate")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# --- Wagtail --------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Relais"
WAGTAILADMIN_BASE_URL = env_url(
    "RELAIS_BASE_URL", "http://127.0.0.1:8000", schemes=("http", "https")
)
WAGTAILIMAGES_IMAGE_MODEL = "website.RelaisImage"
WAGTAILDOCS_DOCUMENT_MODEL = "website.RelaisDocument"
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_MODERATION_ENABLED = True
# Approving a moderated page publishes it: the workflow's task decided who may approve.
WAGTAIL_FINISH_WORKFLOW_ACTION = "website.workflows.publish_approved"
WAGTAILEMBEDS_RESPONSIVE_HTML = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Uploads: no HTML, SVG or other active content, and no decompression bombs. Documents are
# served through Django with Content-Disposition and a sandboxing CSP (Wagtail's default).
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "odt",
    "ods",
    "odp",
    "docx",
    "xlsx",
    "pptx",
    "csv",
    "txt",
    "epub",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

WAGTAILSEARCH_BACKENDS = {}  # Set just below, from SEARCH_BACKEND.

# --- Search ---------------------------------------------------------------------------------

# whoosh: the embedded default, an index per model family under SEARCH_INDEX_DIR.
# database: PostgreSQL's full-text search (French stemming) or SQLite's FTS5.
# opensearch: the server at OPENSEARCH_URL (needs the opensearch-py client); for several servers.
# After switching, `manage.py update_index` fills the new backend.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "whoosh").strip().lower()
SEARCH_INDEX_DIR = DATA_DIR / "search"
if SEARCH_BACKEND == "whoosh":
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "website.search.whoosh",
        "PATH": str(SEARCH_INDEX_DIR),
        "LANGUAGE": "fr",
    }
elif SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "french",
    }
elif SEARCH_BACKEND == "opensearch":
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "wagtail.search.backends.opensearch3",
        "URLS": [env_url("OPENSEARCH_URL", schemes=("http", "https"))],
        "INDEX_PREFIX": "relais_",
    }
else:
    raise ConfigurationError(
        "SEARCH_BACKEND",
        f"doit valoir whoosh, database ou opensearch (reçu « {SEARCH_BACKEND[:40]} »)",
    )

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "RELAIS_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task and per page save drowns what matters; raise with RELAIS_LOG_LEVEL.
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
