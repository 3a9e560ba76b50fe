"""The site setup_site builds, kept once per test database and put back after each flush.

A transactional test or the live server flushes the database after it, and every later test
needs the site again. Building it takes setup_site 1.5 s (a thousand queries: pages, revisions,
groups, permissions, terms); putting back the rows it wrote takes milliseconds. So the rows are
kept after the first build, and put back, committed, as soon as a test has flushed them: a test
never starts on an empty database.

The rows are those of Django's tables only, as a flush empties Django's tables only. Ids come
back as they were: every sequence has gone past them, so later inserts do not collide.
"""

from django.db import connection, transaction

# Per test process: the blocker that lets this module reach the test database, and the rows.
_kept: dict = {}


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def take(blocker) -> None:
    """Keep the rows of every table, as they are now (after setup_site, committed)."""
    quote = connection.ops.quote_name
    rows = {}
    with blocker.unblock(), connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (quoted name)
            found = cursor.fetchall()
            if found:
                rows[table] = ([column[0] for column in cursor.description], found)
    _kept.update(blocker=blocker, rows=rows)


def restore_if_flushed() -> None:
    """After a test: if it flushed the database, put the kept rows back, committed."""
    if not _kept:
        return  # no test database yet on this process
    from website.models import HomePage

    with _kept["blocker"].unblock():
        if connection.in_atomic_block or HomePage.objects.exists():
            return
        _restore(_kept["rows"])


def _restore(rows: dict) -> None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from website import page_cache

    quote = connection.ops.quote_name
    tables = _tables()
    # Foreign keys are checked at the commit (Django creates them deferrable): the order of
    # the tables does not matter.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in tables)}")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        for table, (columns, found) in rows.items():
            names = ", ".join(quote(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                found,
            )
    # The flush recreated the content types under other ids, which this process cached: cache
    # the kept ones instead, all at once, as a test on a database never flushed finds them.
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)
    page_cache.bump()
