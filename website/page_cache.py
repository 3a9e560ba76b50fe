"""Whole-response cache of the public pages anonymous visitors read.

What makes it correct:

- One generation token in the shared cache names the state of the content. Every write to the
  database that is not bookkeeping (sessions, login throttling, task results, the cache table
  itself…) replaces it, whatever wrote: a page published, moved or deleted, a snippet, a
  membership, a comment hidden by `QuerySet.update()`, an import's `bulk_create`. The writes are
  seen at the SQL level (an execute wrapper on every connection), so no dependency between a
  page and what it shows has to be declared, and none can be forgotten. Inside a transaction
  the token is replaced again once it commits: a request rendered between the write and the
  commit would otherwise be stored under the new token with the old content.
- A cached page also expires at the first moment its content changes with the clock alone:
  the next midnight in Paris by default ("cette semaine", "aujourd'hui", deadlines by day), the
  earliest moment reported with `changes_at()` while it rendered (a place opening or closing, a
  session ending, a call closing at a given time), a page type's `cache_expires_at(now)`, and
  at most `RELAIS_PAGE_CACHE_SECONDS` after it was stored.
- Only what cannot differ between visitors is shared: GET/HEAD of a Wagtail page, by a request
  without a session cookie (so never a signed-in person, nor a visitor with flash messages), a
  200 answer that sets no cookie and carries no CSRF token, of a page without view
  restrictions. The rest goes through untouched, with no cache read at all.

Each process keeps the bodies it served last (a bounded local layer) but checks the shared
generation token on every request, so several gunicorn workers or servers never disagree for
longer than a write takes to commit. `X-Cache: hit|miss` says what happened.
"""

import atexit
import contextvars
import hashlib
import logging
import os
import re
import uuid
from collections import OrderedDict
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, setting_changed
from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe

from wagtail import hooks

PARIS = ZoneInfo("Europe/Paris")
GENERATION_KEY = "page-cache:generation"
logger = logging.getLogger(__name__)
# A digit sorts before "guard:…" and the other keys: the database cache's cull, which drops the
# first third of the keys in alphabetical order, drops pages before rate-limit counts.
ENTRY_PREFIX = "0page:"
LOCAL_ENTRIES = 128
# And at most this many bytes of bodies. The whole agenda's ICS (4.5 MB at M) stays: read from
# the database cache it takes 30 ms on PostgreSQL, from here 0.3 ms.
LOCAL_BYTES = 64 * 1024 * 1024
LOCAL_ENTRY_BYTES = 8 * 1024 * 1024
# memoize()'s keys are the code's own, some per host or site: bounded all the same.
MEMO_ENTRIES = 512
# Headers the outer middleware add to every answer, fresh each time (the CSP carries the
# request's nonce), and those that must never be replayed to another visitor.
UNSTORED_HEADERS = {
    "content-security-policy",
    "permissions-policy",
    "cross-origin-resource-policy",
    "set-cookie",
    "x-cache",
}
# Tables written while serving or by bookkeeping, never shown on a public page. Matched as
# prefixes of the table name; the database cache's own tables are added from the settings.
BOOKKEEPING_TABLES = (
    "django_session",
    "axes_",
    "django_tasks",
    "wagtailadmin_editingsession",
    "wagtailsearch_",
    "modelsearch_",
    "ressources_visit",
)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|TRUNCATE(?:\s+TABLE)?)\s+"?([\w.]+)"?',
    re.IGNORECASE,
)
# A sign-in records its time on the account: not something a public page shows.
_LAST_LOGIN = re.compile(r'^UPDATE "auth_user" SET "last_login" = %s WHERE', re.IGNORECASE)

# key → (generation token, expires, stored at, (status, headers, body)), as in the shared cache.
_local: OrderedDict[str, tuple] = OrderedDict()
_memo: dict[str, tuple[str, object]] = {}
_where: dict[str, Path | None] = {}
# The token this process set last, as long as nothing in this process has read a token since:
# nothing here can have been stored under it, so a further write in the same transaction does
# not need another one at once (a bulk import, `seed_scale`: one new token, not one per row).
_unread: dict[str, str] = {}
_changes: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "relais_page_changes", default=None
)


# --- Generation ----------------------------------------------------------------------------


def _token_file() -> Path | None:
    """Where the token lives when the cache is the database's and the database a SQLite file.

    That is one machine: a file beside the database, read in microseconds by every worker,
    spares each cached page a database connection (the cache table is in the database).
    """
    if "token_file" not in _where:
        name = str(settings.DATABASES["default"].get("NAME", ""))
        on_sqlite_file = (
            settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
            and "DatabaseCache" in settings.CACHES["default"]["BACKEND"]
            and not name.startswith("file:")
            and ":memory:" not in name
        )
        _where["token_file"] = Path(name + ".page-generation") if on_sqlite_file else None
    return _where["token_file"]


def generation() -> str:
    """The current generation token, created when there is none (empty or culled cache)."""
    flush_pending()
    _unread.clear()
    return _stored_token() or bump()


def _stored_token() -> str | None:
    path = _token_file()
    if path is None:
        return cache.get(GENERATION_KEY)
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


def bump() -> str:
    """Invalidate every cached page: a new token, never a counter (no lost increment)."""
    token = uuid.uuid4().hex
    path = _token_file()
    if path is None:
        _store_token(token)
    else:
        # Written beside, then renamed over: a reader sees the old token or the new, whole.
        written = path.with_name(f"{path.name}.{token}")
        written.write_text(token)
        os.replace(written, path)
    _unread["token"] = token
    return token


def _store_token(token: str) -> None:
    if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
        cache.set(GENERATION_KEY, token, None)
        return
    # `migrate` writes before `createcachetable` has made the table on a new database: a
    # missing table must not fail the write that asked for a new token (nothing is cached
    # yet), nor, on PostgreSQL, poison the transaction it may run in (hence the savepoint).
    try:
        with transaction.atomic():
            cache.set(GENERATION_KEY, token, None)
    except DatabaseError:
        logger.warning("Page cache: the generation token could not be stored (no cache table?)")


def _transactional_token() -> bool:
    """The database cache writes the token inside the transaction (and locks it until the
    commit): it is replaced at the commit only. Elsewhere it can be replaced at once too."""
    return _token_file() is None and "DatabaseCache" in settings.CACHES["default"]["BACKEND"]


def _cache_tables() -> tuple[str, ...]:
    return tuple(
        config["LOCATION"]
        for config in settings.CACHES.values()
        if config.get("BACKEND", "").endswith("DatabaseCache")
    )


def _shows_on_pages(sql: str) -> bool:
    match = _WRITE.match(sql)
    if match is None:
        return False
    table = match.group(1).lower()
    if table.startswith(BOOKKEEPING_TABLES) or table in _cache_tables():
        return False
    return not _LAST_LOGIN.match(sql)


def _bump_after_write(connection) -> None:
    if not connection.in_atomic_block:
        # Not now: on SQLite an INSERT … RETURNING is still in progress until Django reads its
        # row, and writing the token on the same connection then (the database cache) made
        # SQLite roll the INSERT back. Replaced before this connection's next statement, before
        # the token is read, at the end of the request, or when the process exits.
        connection._relais_page_cache_pending = True
        return
    # Other connections see the write when it commits: replace the token then, once per
    # transaction. The list of commit hooks is a new one after each commit or rollback.
    if getattr(connection, "_relais_page_cache_hooks", None) is not connection.run_on_commit:
        transaction.on_commit(bump, using=connection.alias)
        connection._relais_page_cache_hooks = connection.run_on_commit
    # This connection sees it at once (a request that writes, then renders; a test), unless
    # the token is still the one it set and nothing here has read it since.
    if not _transactional_token() and (
        "token" not in _unread or _stored_token() != _unread["token"]
    ):
        bump()


def flush_pending(connection=None, **kwargs) -> None:
    """Replace the token for the autocommitted writes `_bump_after_write` left pending (on
    `connection`, or on every connection of this thread)."""
    for each in [connection] if connection is not None else connections.all(initialized_only=True):
        if getattr(each, "_relais_page_cache_pending", False):
            each._relais_page_cache_pending = False
            if each.in_atomic_block:
                # The write is committed already; the token follows this transaction (a
                # rollback leaves it to the RELAIS_PAGE_CACHE_SECONDS ceiling).
                transaction.on_commit(bump, using=each.alias)
            else:
                bump()


def _watch_writes(execute, sql, params, many, context):
    flush_pending(context["connection"])
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _shows_on_pages(sql):
        _bump_after_write(context["connection"])
    return result


def _install(connection, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def _forget_local(**kwargs) -> None:
    _local.clear()
    _memo.clear()
    _where.clear()
    _unread.clear()


def memoize(request, key: str, compute):
    """`compute()`, kept by this process until the next content change (the generation token).

    For what every page shows and no visitor changes: the navigation, the footer. The token
    is read once per request.
    """
    token = getattr(request, "_relais_generation", None) if request is not None else None
    if token is None:
        token = generation()
        if request is not None:
            request._relais_generation = token
    found = _memo.get(key)
    if found is not None and found[0] == token:
        return found[1]
    value = compute()
    _memo.pop(key, None)
    _memo[key] = (token, value)
    while len(_memo) > MEMO_ENTRIES:
        del _memo[next(iter(_memo))]
    return value


def _record_page(page, request, serve_args, serve_kwargs):
    request._relais_served_page = page


def connect() -> None:
    """Called once from the app's `ready()`: management commands write content too."""
    connection_created.connect(_install, dispatch_uid="relais-page-cache")
    request_finished.connect(flush_pending, dispatch_uid="relais-page-cache")
    atexit.register(flush_pending)
    for connection in connections.all(initialized_only=True):
        _install(connection)
    setting_changed.connect(_forget_local, dispatch_uid="relais-page-cache")
    hooks.register("before_serve_page", _record_page)


# --- Expiry --------------------------------------------------------------------------------


def next_midnight(now: datetime) -> datetime:
    """The next midnight in Paris: "aujourd'hui", "cette semaine" and deadlines by day turn."""
    tomorrow = now.astimezone(PARIS).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PARIS)


def changes_at(*moments: datetime | None) -> None:
    """Report, while a page renders, moments at which what it shows changes with the clock.

    A no-op outside a response being cached, so selectors and helpers can call it freely.
    """
    found = _changes.get()
    if found is not None:
        found.extend(moment for moment in moments if moment is not None)


def _expires_at(request, now: datetime, reported: list) -> datetime:
    # A moment before the request began has passed before the page rendered: it shows it.
    candidates = [
        now + timedelta(seconds=settings.RELAIS_PAGE_CACHE_SECONDS),
        next_midnight(now),
        *(moment for moment in reported if moment >= now),
    ]
    declared = getattr(request._relais_served_page, "cache_expires_at", None)
    if declared is not None:
        moment = declared(now)
        if moment is not None and moment >= now:
            candidates.append(moment)
    return min(candidates)


# --- Middleware ----------------------------------------------------------------------------


def _may_read(request) -> bool:
    return (
        bool(settings.RELAIS_PAGE_CACHE_SECONDS)
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _may_store(request, response) -> bool:
    page = getattr(request, "_relais_served_page", None)
    return (
        page is not None
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and b'name="csrfmiddlewaretoken"' not in response.content
        and not page.get_view_restrictions().exists()
    )


def _key(request) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return ENTRY_PREFIX + hashlib.sha256(url.encode()).hexdigest()


def _replay(request, entry: tuple) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Cache"] = "hit"
    return _conditional(request, response)


def _conditional(request, response: HttpResponse) -> HttpResponse:
    """A client holding this very copy (a feed reader, a browser revalidating) gets a 304."""
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def _fresh(stored, token: str, now: float) -> bool:
    # The time it was stored too: a clock set back (a test travelling in time) must not read
    # content rendered "later".
    return stored is not None and stored[0] == token and stored[2] <= now < stored[1]


def _lookup(key: str, token: str, now: float) -> tuple | None:
    local = _local.get(key)
    if _fresh(local, token, now):
        _local.move_to_end(key)
        return local[3]
    stored = cache.get(key)
    if not _fresh(stored, token, now):
        return None
    _remember(key, stored)
    return stored[3]


def _body_size(stored: tuple) -> int:
    return len(stored[3][2])


def local_bytes() -> int:
    """The bytes of bodies this process keeps itself."""
    return sum(_body_size(stored) for stored in _local.values())


def _remember(key: str, stored: tuple) -> None:
    if _body_size(stored) > LOCAL_ENTRY_BYTES:
        return
    _local[key] = stored
    _local.move_to_end(key)
    while len(_local) > LOCAL_ENTRIES or local_bytes() > LOCAL_BYTES:
        _local.popitem(last=False)


class PageCacheMiddleware:
    """Placed before the session middleware: a hit costs one shared-cache read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_read(request):
            return self.get_response(request)
        key = _key(request)
        token = request._relais_generation = generation()
        started = timezone.now()
        entry = _lookup(key, token, started.timestamp())
        if entry is not None:
            return _replay(request, entry)
        reported: list = []
        reset = _changes.set(reported)
        try:
            response = self.get_response(request)
        finally:
            _changes.reset(reset)
        response["X-Cache"] = "miss"
        if _may_store(request, response):
            self._store(request, response, key, token, started, reported)
            return _conditional(request, response)
        return response

    def _store(self, request, response, key, token, started, reported) -> None:
        expires = _expires_at(request, started, reported)
        seconds = (expires - started).total_seconds()
        if seconds < 1:
            return
        set_response_etag(response)
        headers = tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSTORED_HEADERS
        )
        stored = (
            token,
            expires.timestamp(),
            started.timestamp(),
            (response.status_code, headers, response.content),
        )
        cache.set(key, stored, int(seconds) + 1)
        _remember(key, stored)
