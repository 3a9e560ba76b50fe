"""Running a visitor's query through whichever search backend is configured, safely.

Whoosh, the default, accepts any string; the database backends can refuse odd syntax (SQLite's
FTS5 raises on some punctuation). A query the backend refuses gives an empty result and a
French message, never an error page.
"""

import logging

from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)


class SearchRefused(Exception):
    """The backend could not run this query; the caller shows a French message."""


def search(queryset, query: str, *, limit: int, **options) -> list:
    """Up to `limit` objects of `queryset` matching `query`, best first."""
    try:
        # A savepoint, so that PostgreSQL's aborted transaction does not outlive the error.
        with transaction.atomic():
            return list(queryset.search(query, **options)[:limit])
    except DatabaseError as error:
        logger.warning("Search backend refused a query: %s", error)
        raise SearchRefused from error
