"""What every feed needs: answers to conditional GETs (ETag / Last-Modified → 304), so calendar
clients and feed readers polling every few minutes cost one cheap query, not a rendering."""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag


def conditional_feed(
    request, *, version: tuple, last_modified: datetime | None, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """Answer 304 when the client's copy is current, else render.

    `version` identifies the feed's state (e.g. the newest change and the number of items, so a
    deletion changes it too); `last_modified` is the newest change, if any.
    """
    etag = quote_etag(hashlib.sha256(repr(version).encode()).hexdigest()[:32])
    timestamp = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified is not None:
        return not_modified
    response = render()
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    elif response.has_header("Last-Modified"):
        # Django's Feed falls back to "now", which would defeat If-Modified-Since.
        del response["Last-Modified"]
    response["Cache-Control"] = "public, max-age=300"
    return response
