"""Reads of the wiki's comments and questions: a resource's threads, the wiki home's asides,
the digests' and recent changes' window, moderation's queue, a person's own comments.

"Visible" means not hidden by the moderation, on a live resource that no view restriction
hides. Each function is one query, or one plus a fixed number of prefetches, whatever the
number of comments.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from ressources.models import Comment, CommentReport, RessourcePage
from website.queries import without_restricted

MOST_DISCUSSED_DAYS = 90


def _published_pages() -> QuerySet:
    return without_restricted(RessourcePage.objects.live()).values("pk")


def visible_comments() -> QuerySet:
    """Comments anyone may read: not hidden, on a live resource visitors can open."""
    return Comment.objects.filter(hidden_at__isnull=True, page__in=_published_pages())


def _open_reports() -> Count:
    return Count("reports", filter=Q(reports__handled_at__isnull=True), distinct=True)


def page_comments(page: RessourcePage) -> list[Comment]:
    """The page's threads, oldest first: top-level comments with their replies, authors and
    moderators prefetched, each annotated with its number of open reports (`open_reports`).
    Hidden comments are included: the template masks them for all but moderators. Two queries."""
    people = ("author", "hidden_by", "answered_by")
    replies = (
        Comment.objects.select_related(*people)
        .annotate(open_reports=_open_reports())
        .order_by("created_at", "pk")
    )
    threads = (
        Comment.objects.filter(page=page, parent__isnull=True)
        .select_related(*people)
        .annotate(open_reports=_open_reports())
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "pk")
    )
    return list(threads)


def reported_by(user, page: RessourcePage) -> set[int]:
    """The ids of the page's comments `user` has already reported (one query)."""
    if not user.is_authenticated:
        return set()
    return set(
        CommentReport.objects.filter(reporter=user, comment__page=page).values_list(
            "comment_id", flat=True
        )
    )


def comments_between(start: datetime, end: datetime) -> QuerySet:
    """Visible comments created in [start, end), oldest first, with their resource (body
    deferred), author and parent: for the digests and the recent changes."""
    return (
        visible_comments()
        .filter(created_at__gte=start, created_at__lt=end)
        .select_related("page", "author", "parent")
        .defer("page__body")
        .order_by("created_at", "pk")
    )


def open_questions(limit: int | None = 5, *, author=None) -> list[Comment]:
    """Visible questions nobody has marked answered, newest first, with resource and author;
    only `author`'s, if given."""
    questions = (
        visible_comments()
        .filter(is_question=True, answered_at__isnull=True)
        .select_related("page", "author")
        .defer("page__body")
        .order_by("-created_at", "-pk")
    )
    if author is not None:
        questions = questions.filter(author=author)
    return list(questions[:limit] if limit else questions)


def recent_comments_of(user, limit: int = 5) -> list[Comment]:
    """The person's latest visible comments that are not open questions, newest first."""
    comments = (
        visible_comments()
        .filter(author=user)
        .exclude(is_question=True, answered_at__isnull=True)
        .select_related("page")
        .defer("page__body")
        .order_by("-created_at", "-pk")
    )
    return list(comments[:limit])


def most_discussed(limit: int = 5, *, days: int = MOST_DISCUSSED_DAYS) -> list[RessourcePage]:
    """Live public resources by their number of visible comments (`comment_count`) in the last
    `days` days, most first; resources without any are left out. One query."""
    since = timezone.now() - timedelta(days=days)
    counted = Count(
        "discussion",
        filter=Q(discussion__hidden_at__isnull=True, discussion__created_at__gte=since),
    )
    pages = (
        without_restricted(RessourcePage.objects.live())
        .defer_streamfields()
        .annotate(comment_count=counted)
        .filter(comment_count__gt=0)
        .order_by("-comment_count", "-last_published_at", "pk")
    )
    return list(pages[:limit])


def reported_comments() -> list[Comment]:
    """Comments with reports nobody has handled yet, most recently reported first, with their
    open reports and reporters prefetched. Two queries."""
    open_reports = CommentReport.objects.filter(handled_at__isnull=True).select_related("reporter")
    comments = (
        Comment.objects.filter(Exists(open_reports.filter(comment=OuterRef("pk"))))
        .select_related("page", "author", "hidden_by")
        .defer("page__body")
        .prefetch_related(
            Prefetch("reports", queryset=open_reports.order_by("created_at"), to_attr="open")
        )
        .order_by("-pk")
    )
    return sorted(comments, key=lambda comment: comment.open[-1].created_at, reverse=True)


def reported_count() -> int:
    return Comment.objects.filter(reports__handled_at__isnull=True).distinct().count()


def comments_of(user) -> QuerySet:
    return (
        Comment.objects.filter(author=user)
        .select_related("page")
        .defer("page__body")
        .order_by("created_at", "pk")
    )


def reports_of(user) -> QuerySet:
    return (
        CommentReport.objects.filter(reporter=user)
        .select_related("comment__page")
        .defer("comment__page__body")
        .order_by("created_at", "pk")
    )
