"""Reads that span relations, for the watch's pages, feeds, alerts and home block.

Only live, public calls count. The status conditions mirror veille.status: a deadline day stays
open until the end of that day in Paris, a deadline time until that time.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet

from structures.models import Term, Vocabulary
from structures.selectors import with_structure
from veille.models import AppelPage, Funder, Interest, Recurrence, Theme
from veille.status import CLOSING_DAYS, CallStatus, paris_now
from website.queries import without_restricted

# Listings never show a call's long texts.
LONG_FIELDS = ("description", "eligibility", "contact")


def public_calls() -> QuerySet:
    return without_restricted(AppelPage.objects.live())


def _still_open(now: datetime) -> Q:
    today, clock = paris_now(now)
    return (
        Q(deadline__isnull=True)
        | Q(deadline__gt=today)
        | Q(deadline=today, deadline_time__isnull=True)
        | Q(deadline=today, deadline_time__gt=clock)
    )


def status_condition(status: str, now: datetime) -> Q:
    """The database's version of veille.status.call_status, for one status."""
    today, _clock = paris_now(now)
    still_open = _still_open(now)
    if status == CallStatus.CLOSED:
        return ~still_open
    started = Q(opening_date__isnull=True) | Q(opening_date__lte=today)
    soon = today + timedelta(days=CLOSING_DAYS)
    permanent = Q(recurrence=Recurrence.PERMANENT)
    conditions = {
        CallStatus.UPCOMING: still_open & Q(opening_date__gt=today),
        CallStatus.PERMANENT: started & Q(deadline__isnull=True) & permanent,
        CallStatus.OPEN: started & ((Q(deadline__isnull=True) & ~permanent) | Q(deadline__gt=soon)),
        CallStatus.CLOSING: started & still_open & Q(deadline__lte=soon),
    }
    return conditions[CallStatus(status)]


def not_closed(now: datetime) -> Q:
    return _still_open(now)


def listed(calls: QuerySet) -> QuerySet:
    """Calls as listings show them: funders and themes prefetched, the publishing
    structure's title annotated, the long texts left out."""
    return with_structure(calls.defer(*LONG_FIELDS)).prefetch_related("funders", "themes")


def by_deadline(calls: QuerySet) -> QuerySet:
    """Nearest deadline first; calls without one (permanent) last."""
    return calls.order_by(
        F("deadline").asc(nulls_last=True), F("deadline_time").asc(nulls_last=True), "title", "pk"
    )


def filtered_calls(
    *,
    statuses=(),
    now: datetime,
    theme: str = "",
    funder_kind: str = "",
    kind: str = "",
    scope: str = "",
    typologies=(),
) -> QuerySet:
    """Public calls matching every given criterion. No status: every call not closed.
    `typologies`: calls open to any of them, or to every kind of structure (none listed)."""
    calls = public_calls()
    if statuses:
        condition = Q()
        for status in statuses:
            condition |= status_condition(status, now)
        calls = calls.filter(condition)
    if theme:
        calls = calls.filter(
            Exists(
                AppelPage.themes.through.objects.filter(
                    appelpage_id=OuterRef("pk"), theme__slug=theme
                )
            )
        )
    if funder_kind:
        calls = calls.filter(
            Exists(
                AppelPage.funders.through.objects.filter(
                    appelpage_id=OuterRef("pk"), funder__kind=funder_kind
                )
            )
        )
    if kind:
        calls = calls.filter(kind=kind)
    if scope:
        calls = calls.filter(scope=scope)
    if typologies:
        links = AppelPage.terms.through.objects.filter(appelpage_id=OuterRef("pk"))
        calls = calls.filter(Exists(links.filter(term__in=typologies)) | ~Exists(links))
    return calls


def current(calls: QuerySet, now: datetime) -> QuerySet:
    """Calls not closed yet, nearest deadline first."""
    return by_deadline(listed(calls.filter(not_closed(now))))


def archived(calls: QuerySet, now: datetime) -> QuerySet:
    """Closed calls, the latest closed first."""
    closed = calls.filter(status_condition(CallStatus.CLOSED, now))
    return listed(closed).order_by(
        F("deadline").desc(), F("deadline_time").desc(nulls_first=True), "title", "pk"
    )


def open_calls(now: datetime, limit: int) -> list:
    """The home page's block: the calls closing next."""
    return list(current(public_calls(), now)[:limit])


# --- Filters' choices ------------------------------------------------------------------------


def theme_choices() -> list[tuple[str, str]]:
    return list(Theme.objects.order_by("name").values_list("slug", "name"))


def typology_choices() -> list[tuple[str, str]]:
    terms = Term.objects.filter(vocabulary=Vocabulary.TYPOLOGIE).order_by("label")
    return list(terms.values_list("code", "label"))


def typologies_of(structures: QuerySet) -> list[Term]:
    return list(
        Term.objects.filter(
            vocabulary=Vocabulary.TYPOLOGIE,
            pk__in=structures.values("terms"),
        ).order_by("label")
    )


def typologies_by_code(codes) -> list[Term]:
    return list(Term.objects.filter(vocabulary=Vocabulary.TYPOLOGIE, code__in=codes))


def funders_by_name() -> dict[str, Funder]:
    return {funder.name: funder for funder in Funder.objects.all()}


# --- Interests -------------------------------------------------------------------------------


def interests_in(call: AppelPage) -> list[Interest]:
    return list(
        Interest.objects.filter(call=call, structure__live=True)
        .select_related("structure")
        .order_by("structure__title", "pk")
    )


def interests_of(structures: QuerySet, limit: int | None = 20) -> list[Interest]:
    """Their structures' interests, latest change first, with the call and structure."""
    interests = (
        Interest.objects.filter(structure__in=structures, call__live=True)
        .select_related("call", "structure")
        .order_by("-updated_at", "-pk")
    )
    return list(interests[:limit] if limit else interests)


# --- Feeds -----------------------------------------------------------------------------------


def feed_state(calls: QuerySet) -> tuple[tuple, datetime | None]:
    """A feed's version and last change, in one query: a publication, an edit, a withdrawal or a
    deletion changes it."""
    state = calls.aggregate(
        count=Count("pk"), revision=Max("latest_revision_id"), published=Max("last_published_at")
    )
    return (state["count"], state["revision"], state["published"]), state["published"]


def deadline_calls(calls: QuerySet, since) -> QuerySet:
    """What the deadlines calendar writes: calls whose deadline is `since` or later, with only
    the columns it reads."""
    return (
        calls.filter(deadline__gte=since)
        .order_by("deadline", "deadline_time", "pk")
        .only(
            *("pk", "title", "summary", "url_path", "deadline", "deadline_time", "kind"),
            *("last_published_at", "latest_revision_id", "depth", "path", "locale_id"),
        )
    )


def newest(calls: QuerySet, limit: int) -> QuerySet:
    """The latest published calls first: what the RSS feed of new calls lists."""
    return listed(calls).order_by(F("first_published_at").desc(nulls_last=True), "-pk")[:limit]


def interests_recorded_by(user) -> list[Interest]:
    return list(
        Interest.objects.filter(updated_by=user)
        .select_related("call", "structure")
        .order_by("-updated_at", "-pk")
    )
