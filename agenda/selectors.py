"""Reads that span relations, for the agenda's pages, feeds and home block.

Only live, public events count. Occurrence listings are one query, plus one prefetch of their
events (with place and structure annotated), whatever the number of rows.
"""

from datetime import datetime, time, timedelta

from taggit.models import Tag

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    Exists,
    Func,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce

from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision

from agenda import rights
from agenda.models import EventModerationTask, EventPage, EventProposal, Occurrence
from agenda.recurrence import PARIS, horizon
from structures.models import LieuPage, StructurePage
from structures.selectors import directory_communes, with_structure
from website.queries import without_restricted


def public_events() -> QuerySet:
    return without_restricted(EventPage.objects.live())


def listed_events() -> QuerySet:
    """Events as listings show them: place and structure, without their bodies (the occurrence
    query already kept only public events)."""
    events = EventPage.objects.defer_streamfields().select_related("place")
    return with_structure(events)


def _occurrences(events: QuerySet | None = None) -> QuerySet:
    if events is None:
        # The whole network's sessions: EXISTS has the database walk the sessions by date and
        # check each one's event, instead of listing every public event first (10,000 at
        # size M); three times faster. Events narrowed to a place or a structure are few:
        # listing them first is then the faster way.
        sessions = Occurrence.objects.filter(
            Exists(public_events().filter(pk=OuterRef("event_id")))
        )
    else:
        sessions = Occurrence.objects.filter(event__in=events.values("pk"))
    return sessions.prefetch_related(Prefetch("event", queryset=listed_events())).order_by(
        "start", "pk"
    )


def occurrences_between(start: datetime, end: datetime, *, events: QuerySet | None = None):
    """Occurrences overlapping [start, end): started before `end`, not ended before `start`."""
    return _occurrences(events).filter(start__lt=end, end__gte=start)


def upcoming(now: datetime, limit: int | None = None, *, events: QuerySet | None = None):
    """Occurrences not over yet, ongoing ones first."""
    occurrences = _occurrences(events).filter(end__gte=now)
    return occurrences[:limit] if limit else occurrences


def ongoing(now: datetime, *, events: QuerySet | None = None):
    return _occurrences(events).filter(start__lte=now, end__gte=now)


def week_bounds(now: datetime) -> tuple[datetime, datetime]:
    """This week, Monday 00:00 to next Monday 00:00, Paris time."""
    today = now.astimezone(PARIS).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, time(0), tzinfo=PARIS)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=PARIS)
    return start, end


def this_week(now: datetime) -> QuerySet:
    """Sessions of this week not over yet."""
    start, end = week_bounds(now)
    return occurrences_between(max(start, now), end)


def event_upcoming(event: EventPage, now: datetime) -> QuerySet:
    """An event's own sessions still to come (its page lists them all)."""
    return Occurrence.objects.filter(event=event, end__gte=now).order_by("start", "pk")


def structure_events(slug: str) -> QuerySet:
    structure = without_restricted(StructurePage.objects.live()).filter(slug=slug).first()
    if structure is None:
        return EventPage.objects.none()
    return public_events().descendant_of(structure)


def feed_events(now: datetime, *, events: QuerySet | None = None, whole: bool = False) -> list:
    """Events with a session within the feed's window, each as a whole series: rows (dicts) of
    what the ICS writer reads, with their structure's title, revision count, tag names and
    changed sessions. Three queries whatever the number of events, and no model instances:
    a whole-network feed holds thousands of events."""
    window_start, window_end = horizon(now)
    events = public_events() if events is None else events
    in_window = Occurrence.objects.filter(
        event=OuterRef("pk"), end__gte=window_start, start__lte=window_end
    )
    page_type = ContentType.objects.get_for_model(Page)
    revisions = (
        Revision.objects.filter(
            base_content_type=page_type, object_id=Cast(OuterRef("pk"), CharField())
        )
        .order_by()
        .values("object_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    events = events if whole else events.filter(Exists(in_window))
    rows = list(
        with_structure(events.annotate(revision_count=Coalesce(Subquery(revisions[:1]), 0)))
        .order_by("start", "pk")
        .values(
            *("pk", "title", "url_path", "last_published_at", "start", "end", "all_day"),
            *("status", "category", "recurrence", "exceptions", "summary", "mode"),
            *("online_url", "address", "registration_url", "registration_email"),
            *("place__title", "place__live", "place__adresse", "place__code_postal"),
            *("place__commune", "place__latitude", "place__longitude"),
            *("structure_title", "revision_count"),
        )
    )
    tags, overrides = {}, {}
    for pk, name in (
        events.filter(tagged_items__isnull=False)
        .order_by("tagged_items__tag__name")
        .values_list("pk", "tagged_items__tag__name")
    ):
        tags.setdefault(pk, []).append(name)
    for pk, *override in (
        events.exclude(recurrence="")
        .filter(overrides__isnull=False)
        .order_by("overrides__original_date")
        .values_list(
            "pk",
            "overrides__original_date",
            "overrides__start",
            "overrides__end",
            "overrides__cancelled",
        )
    ):
        overrides.setdefault(pk, []).append(override)
    for row in rows:
        row["tags"] = tags.get(row["pk"], [])
        row["overrides"] = overrides.get(row["pk"], [])
    return rows


def feed_state(events: QuerySet, now: datetime) -> tuple[tuple, datetime | None]:
    """The feed's version and last change, in one query: a publication, an edit, a withdrawal
    or a deletion changes it, and so does the day (the window moves)."""
    state = events.aggregate(
        count=Count("pk"), revision=Max("latest_revision_id"), published=Max("last_published_at")
    )
    version = (state["count"], state["revision"], state["published"], now.date())
    return version, state["published"]


# --- Proposals and moderation ---------------------------------------------------------------


def proposals_of(user, limit: int | None = 50) -> list:
    """A person's own proposals, newest first, with their event."""
    proposals = (
        EventProposal.objects.filter(proposer=user)
        .select_related("event")
        .order_by("-created_at", "-pk")
    )
    return list(proposals[:limit] if limit else proposals)


def changeable_events(user, limit: int = 50) -> list:
    """The events of the person's structures (live or draft), latest changed first."""
    return list(
        EventPage.objects.filter(rights.within(rights.member_structures(user)))
        .defer_streamfields()
        .order_by("-latest_revision_created_at", "-pk")[:limit]
    )


def moderates_anything(user) -> bool:
    return rights.is_facilitator(user) or rights.editor_structures(user).exists()


def waiting_for(user) -> list:
    """Events whose proposal waits for this moderator, oldest first, with the proposal."""
    states = [
        task.get_task_states_user_can_moderate(user).values("workflow_state_id")
        for task in EventModerationTask.objects.filter(active=True)
    ]
    if not states:
        return []
    waiting_states = states[0].union(*states[1:]) if len(states) > 1 else states[0]
    proposals = (
        EventProposal.objects.filter(workflow_state__in=waiting_states)
        .select_related("event", "proposer")
        .order_by("created_at", "pk")
    )
    return list(proposals)


def open_proposal(page):
    return (
        EventProposal.objects.filter(event=page, workflow_state__status="in_progress")
        .select_related("proposer")
        .order_by("-created_at", "-pk")
        .first()
    )


# The agenda's views and filters ---------------------------------------------------------------


def filtered_events(
    *,
    structure_path: str = "",
    category: str = "",
    tag: str = "",
    commune: str = "",
    place: int | None = None,
    publics=(),
) -> QuerySet:
    """Public events matching every given criterion (publics: any of them), as a queryset that
    the occurrence and feed selectors take as their `events`."""
    events = public_events()
    if structure_path:
        events = events.filter(path__startswith=structure_path)
    if category:
        events = events.filter(category=category)
    if tag:
        events = events.filter(tagged_items__tag__slug=tag)
    if commune:
        events = events.filter(place__commune=commune)
    if place is not None:
        events = events.filter(place_id=place)
    if publics:
        links = EventPage.terms.through.objects.filter(
            eventpage_id=OuterRef("pk"), term__in=publics
        )
        events = events.filter(Exists(links))
    return events


# A tag renamed or a page hidden without Wagtail's actions shows in the filters within this time.
FILTER_CHOICES_SECONDS = 3600


def _latest_pk(model) -> Subquery:
    return Subquery(model.objects.order_by("-pk").values("pk")[:1])


def pages_version() -> tuple:
    """What moves when a page is created, published, unpublished, moved or deleted (Wagtail logs
    each of these) or a view restriction is set or lifted. One query on primary keys, whatever
    the size of the network."""
    # COUNT as a plain function: one row, without the GROUP BY an aggregate would bring.
    restrictions = PageViewRestriction.objects.order_by().annotate(
        count=Func("pk", function="COUNT")
    )
    return (
        Page.objects.order_by("-pk")
        .annotate(
            log=_latest_pk(PageLogEntry),
            restriction=_latest_pk(PageViewRestriction),
            restrictions=Subquery(restrictions.values("count")[:1]),
        )
        .values_list("pk", "log", "restriction", "restrictions")[:1]
        .get()
    )


def filter_choices() -> dict[str, list]:
    """The filters' choices, from the cache while the pages stay as they were: reading them
    anew takes four queries over the whole network."""
    key = "agenda-filter-choices:" + "-".join(map(str, pages_version()))
    choices = cache.get(key)
    if choices is None:
        choices = {
            "structures": filter_structures(),
            "tags": filter_tags(),
            "communes": directory_communes(),
            "places": filter_places(),
        }
        cache.set(key, choices, FILTER_CHOICES_SECONDS)
    return choices


def filter_structures() -> list[tuple[str, str, str]]:
    """(slug, title, tree path) of every public structure, for the agenda's structure filter."""
    structures = without_restricted(StructurePage.objects.live()).order_by("title", "pk")
    return list(structures.values_list("slug", "title", "path"))


def filter_tags() -> list[tuple[str, str]]:
    """(slug, name) of the tags that live events carry."""
    tags = Tag.objects.filter(agenda_eventtag_items__content_object__live=True).distinct()
    return list(tags.order_by("name").values_list("slug", "name"))


def filter_places() -> list[tuple[int, str, str]]:
    """(id, title, commune) of every public place of the network."""
    places = without_restricted(LieuPage.objects.live()).order_by("title", "commune", "pk")
    return list(places.values_list("pk", "title", "commune"))


def upcoming_events(since: datetime, *, events: QuerySet, limit: int) -> QuerySet:
    """Events with a session ending at `since` or later, each once, by their next session (its
    start and all-day flag annotated), with place and structure: what the RSS feed lists."""
    sessions = Occurrence.objects.filter(event=OuterRef("pk"), end__gte=since).order_by(
        "start", "pk"
    )
    return (
        listed_events()
        .filter(pk__in=events.values("pk"))
        .annotate(
            next_start=Subquery(sessions.values("start")[:1]),
            next_all_day=Subquery(sessions.values("all_day")[:1]),
        )
        .filter(next_start__isnull=False)
        .order_by("next_start", "pk")[:limit]
    )
