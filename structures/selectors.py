"""Reads that span relations, for the structures' pages, listings, feeds and home blocks."""

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from wagtail.models import Page

from structures.models import NewsPage, StructurePage


def _with_structure_title(news: QuerySet) -> QuerySet:
    # A news item's structure is its parent page: match the parent's tree path in one subquery
    # instead of one get_parent() per item.
    parent_path = Substr("path", 1, Length("path") - Page.steplen)
    structures = StructurePage.objects.filter(path=OuterRef("parent_path"))
    return news.annotate(parent_path=parent_path).annotate(
        structure_title=Subquery(structures.values("title")[:1]),
        structure_url_path=Subquery(structures.values("url_path")[:1]),
    )


def published_news() -> QuerySet:
    """Live, public news items, newest first, with their structure's title."""
    news = NewsPage.objects.live().public().defer_streamfields().select_related("image")
    return _with_structure_title(news).order_by("-date", "-first_published_at", "-pk")


def news_feed_state(size: int) -> tuple[tuple, datetime | None]:
    """The feed's version and last change, from exactly what it shows: its `size` newest items.

    Publishing, editing or withdrawing any of them changes the version; one small query.
    """
    rows = list(
        NewsPage.objects.live()
        .public()
        .order_by("-date", "-first_published_at", "-pk")
        .values_list("pk", "latest_revision_id", "last_published_at", "first_published_at")[:size]
    )
    changes = [
        published or first for _pk, _revision, published, first in rows if published or first
    ]
    return tuple(rows), max(changes, default=None)
