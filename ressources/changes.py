"""What happened in the wiki between two instants, as lines people read.

Counted: publications of resources (Wagtail's "wagtail.publish" log entries: who, when, which
page; the first publication of a page is its creation) and comments that are not hidden. Only
resources that are live today and under no view restriction are counted.

A page's rapid successive edits make one line ("modifiée 4 fois par Awa et Karim"): edits of one
page less than `BATCH_GAP` apart are batched, and so are its comments; a question keeps a line of
its own. Three queries whatever the number of changes: publications, comments, pages.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail.models import PageLogEntry

from ressources.models import Comment, Follow, RessourcePage, RessourceTag
from website.queries import without_restricted

PUBLISH = "wagtail.publish"
BATCH_GAP = timedelta(hours=1)
# Wagtail stamps first_published_at a moment before it writes the first log entry.
CREATION_SLACK = timedelta(minutes=1)
# Bounds what one call reads, whatever the activity: the most recent ones are kept.
MAX_EVENTS = 2000
EXCERPT_LENGTH = 200

CREATED = "created"
CHANGED = "changed"
COMMENTED = "commented"
ASKED = "asked"


@dataclass
class Line:
    """One line of changes: one page, what happened to it, by whom, how many times."""

    kind: str
    page: RessourcePage
    key: str  # stable while the line grows: its kind and its first event
    first_at: datetime
    last_at: datetime
    count: int = 0
    people: dict = field(default_factory=dict)  # user id (or name) -> name, in order
    excerpt: str = ""

    @property
    def names(self) -> str:
        return people_names(list(self.people.values()))

    @property
    def summary(self) -> str:
        names, count = self.names, self.count
        if self.kind == CREATED:
            if count == 1:
                return _("créée par %(names)s") % {"names": names}
            return ngettext(
                "créée puis modifiée %(count)s fois par %(names)s",
                "créée puis modifiée %(count)s fois par %(names)s",
                count - 1,
            ) % {"count": count - 1, "names": names}
        if self.kind == CHANGED:
            if count == 1:
                return _("modifiée par %(names)s") % {"names": names}
            return _("modifiée %(count)s fois par %(names)s") % {"count": count, "names": names}
        if self.kind == ASKED:
            return _("question de %(names)s") % {"names": names}
        return ngettext(
            "%(count)s commentaire de %(names)s",
            "%(count)s commentaires de %(names)s",
            count,
        ) % {"count": count, "names": names}


def people_names(names: list[str]) -> str:
    """ "Awa", "Awa et Karim", "Awa, Karim et Léa", "Awa, Karim et 3 autres personnes"."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) <= 3:
        return _("%(first)s et %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
    return _("%(first)s et %(count)s autres personnes") % {
        "first": ", ".join(names[:2]),
        "count": len(names) - 2,
    }


def _name(row: dict, prefix: str) -> str:
    if row[f"{prefix}__username"] is None:
        return _("ancien membre")
    full = f"{row[f'{prefix}__first_name']} {row[f'{prefix}__last_name']}".strip()
    return full or row[f"{prefix}__username"]


def _person_fields(prefix: str) -> list[str]:
    return [
        f"{prefix}_id",
        *(f"{prefix}__{name}" for name in ("username", "first_name", "last_name")),
    ]


def followed_by(user) -> Q | None:
    """The resources `user` follows, as a filter on RessourcePage: None for the whole wiki.

    A followed resource brings its sub-pages; a followed tag, the resources tagged with it
    now. One query.
    """
    follows = list(Follow.objects.filter(user=user).values_list("page__path", "tag_id"))
    if any(path is None and tag is None for path, tag in follows):
        return None
    wanted = Q(pk__in=[])
    for path in {path for path, _tag in follows if path}:
        wanted |= Q(path__startswith=path)
    tags = {tag for _path, tag in follows if tag}
    if tags:
        wanted |= Q(pk__in=RessourceTag.objects.filter(tag_id__in=tags).values("content_object_id"))
    return wanted


def _public_pages(pages: Q | None) -> QuerySet:
    public = without_restricted(RessourcePage.objects.live())
    if pages is not None:
        public = public.filter(pages)
    return public.values("pk")


def _window(queryset: QuerySet, stamp: str, start, end) -> QuerySet:
    if start is not None:
        queryset = queryset.filter(**{f"{stamp}__gt": start})
    if end is not None:
        queryset = queryset.filter(**{f"{stamp}__lte": end})
    return queryset


def _publications(pages: QuerySet, start, end, exclude_user) -> list[dict]:
    earlier = PageLogEntry.objects.filter(
        page_id=OuterRef("page_id"), action=PUBLISH, timestamp__lt=OuterRef("timestamp")
    )
    entries = _window(
        PageLogEntry.objects.filter(action=PUBLISH, page_id__in=pages), "timestamp", start, end
    )
    if exclude_user is not None:
        entries = entries.exclude(user_id=exclude_user.pk)
    rows = (
        entries.annotate(earlier=Exists(earlier))
        .order_by("-timestamp", "-pk")
        .values("pk", "page_id", "timestamp", "earlier", *_person_fields("user"))[:MAX_EVENTS]
    )
    return list(rows)


def _comments(pages: QuerySet, start, end, exclude_user) -> list[dict]:
    comments = _window(
        Comment.objects.filter(page_id__in=pages, hidden_at__isnull=True), "created_at", start, end
    )
    if exclude_user is not None:
        comments = comments.exclude(author_id=exclude_user.pk)
    rows = (
        comments.annotate(excerpt=Substr("body", 1, EXCERPT_LENGTH))
        .order_by("-created_at", "-pk")
        .values("pk", "page_id", "created_at", "is_question", "excerpt", *_person_fields("author"))[
            :MAX_EVENTS
        ]
    )
    return list(rows)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) < EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _written_order(key: str) -> tuple[str, int]:
    """Events of the same moment in the order they were written: "commentaire-9" before
    "commentaire-10" (as text, it would come after)."""
    source, pk = key.rsplit("-", 1)
    return source, int(pk)


def changes_between(
    start: datetime | None,
    end: datetime | None,
    *,
    pages: Q | None = None,
    exclude_user=None,
) -> list[Line]:
    """The lines of what happened in (start, end], newest first.

    `pages` narrows to some resources (see `followed_by`); `exclude_user`'s own publications
    and comments are left out (a person's digest does not tell them what they did).
    """
    public = _public_pages(pages)
    publications = _publications(public, start, end, exclude_user)
    comments = _comments(public, start, end, exclude_user)
    page_ids = {row["page_id"] for row in publications} | {row["page_id"] for row in comments}
    if not page_ids:
        return []
    by_id = {
        page.pk: page for page in RessourcePage.objects.filter(pk__in=page_ids).defer_streamfields()
    }

    # (moment, page id, family, kind, event key, person key, name, excerpt)
    events = []
    for row in publications:
        page = by_id[row["page_id"]]
        created = (
            not row["earlier"]
            and page.first_published_at is not None
            and abs(page.first_published_at - row["timestamp"]) <= CREATION_SLACK
        )
        events.append(
            (
                row["timestamp"],
                row["page_id"],
                "edit",
                CREATED if created else CHANGED,
                f"publication-{row['pk']}",
                row["user_id"] or _name(row, "user"),
                _name(row, "user"),
                "",
            )
        )
    for row in comments:
        events.append(
            (
                row["created_at"],
                row["page_id"],
                f"question-{row['pk']}" if row["is_question"] else "comment",
                ASKED if row["is_question"] else COMMENTED,
                f"commentaire-{row['pk']}",
                row["author_id"] or _name(row, "author"),
                _name(row, "author"),
                _excerpt(row["excerpt"]) if row["is_question"] else "",
            )
        )
    events.sort(key=lambda event: (event[0], _written_order(event[4])))

    lines, open_lines = [], {}
    for at, page_id, family, kind, key, person, name, excerpt in events:
        line = open_lines.get((page_id, family))
        if line is None or at - line.last_at > BATCH_GAP:
            line = Line(kind=kind, page=by_id[page_id], key=key, first_at=at, last_at=at)
            line.excerpt = excerpt
            open_lines[(page_id, family)] = line
            lines.append(line)
        line.last_at = at
        line.count += 1
        line.people.setdefault(person, name)
    lines.sort(key=lambda line: (line.last_at, _written_order(line.key)), reverse=True)
    return lines
