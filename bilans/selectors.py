"""Reads for the review days, the method library and the action boards."""

from datetime import datetime, time, timedelta

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from bilans.models import (
    OPEN_STATUSES,
    Action,
    BilanIndexPage,
    BilanPage,
    BilanParticipation,
    MethodIndexPage,
    MethodPage,
)
from structures.models import StructurePage
from website.queries import without_restricted

REMINDER_NOTICE = timedelta(days=7)


def published_bilans() -> QuerySet:
    """Live, public review days, newest first, with their place and participating structures."""
    participations = BilanParticipation.objects.select_related("structure")
    return (
        without_restricted(BilanPage.objects.live())
        .defer_streamfields()
        .select_related("place")
        .prefetch_related(Prefetch("participations", queryset=participations))
        .order_by("-date", "-pk")
    )


def published_methods() -> QuerySet:
    """Live, public methods by title, each with `uses`: the number of live review days that
    used it (one query, whatever their number)."""
    live_days = without_restricted(BilanPage.objects.live()).values("pk")
    return (
        without_restricted(MethodPage.objects.live())
        .defer_streamfields()
        .annotate(uses=Count("used_in", filter=Q(used_in__in=live_days), distinct=True))
        .order_by("title", "pk")
    )


def filtered_methods(
    methods: QuerySet,
    *,
    objective: str = "",
    kind: str = "",
    people: int | None = None,
    max_duration: int | None = None,
    remote: bool | None = None,
) -> QuerySet:
    if objective:
        methods = methods.filter(objective=objective)
    if kind:
        methods = methods.filter(kind=kind)
    if people:
        methods = methods.filter(
            Q(group_max__isnull=True) | Q(group_max__gte=people), group_min__lte=people
        )
    if max_duration:
        methods = methods.filter(duration__lte=max_duration)
    if remote is not None:
        methods = methods.filter(remote=remote)
    return methods


def review_days_using(method: MethodPage) -> QuerySet:
    return (
        without_restricted(method.used_in.live())
        .defer_streamfields()
        .only("pk", "title", "date", "url_path")
        .order_by("-date", "-pk")
    )


def previous_bilan(bilan: BilanPage) -> BilanPage | None:
    """The live review day held last before this one."""
    earlier = without_restricted(BilanPage.objects.live()).filter(date__lt=bilan.date)
    return earlier.defer_streamfields().order_by("-date", "-pk").first()


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def followed_up_actions(previous: BilanPage | None) -> list[Action]:
    """ "Où en sont les actions du bilan précédent ?": every action decided at `previous`, and
    those of earlier days that were still open then, carried over automatically (open now, or
    closed since). Open ones first, then by due date."""
    if previous is None:
        return []
    carried = Q(bilan__date__lt=previous.date) & (
        Q(status__in=OPEN_STATUSES) | Q(status_changed_at__gte=_start_of(previous.date))
    )
    actions = (
        Action.objects.filter(Q(bilan=previous) | carried)
        .select_related("structure", "bilan")
        .prefetch_related("carried_by")
    )
    return sorted(
        actions,
        key=lambda action: (
            not action.is_open,
            action.due_date is None,
            action.due_date,
            action.pk,
        ),
    )


def actions_by_item(bilan: BilanPage) -> dict[str, Action]:
    """The actions this review day's items became, by item id."""
    actions = bilan.actions.exclude(item_id="").select_related("structure")
    return {action.item_id: action for action in actions}


def board_actions(*, structure: StructurePage | None = None, status: str = "") -> QuerySet:
    """Actions for a board: open ones first by due date, then the others."""
    actions = Action.objects.select_related("structure", "bilan").prefetch_related("carried_by")
    if structure is not None:
        actions = actions.filter(structure=structure)
    if status:
        actions = actions.filter(status=status)
    rank = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return actions.annotate(rank=rank).order_by("rank", F("due_date").asc(nulls_last=True), "-pk")


def board_structures() -> list[StructurePage]:
    """The structures that own at least one action, by title, for the board's filter."""
    owners = Action.objects.filter(structure__isnull=False).values("structure_id")
    return list(
        StructurePage.objects.filter(pk__in=owners).only("pk", "title", "slug").order_by("title")
    )


def open_actions_of(structure_ids) -> QuerySet:
    return (
        Action.objects.filter(structure_id__in=structure_ids, status__in=OPEN_STATUSES)
        .select_related("structure", "bilan")
        .order_by("due_date", "pk")
    )


def actions_to_remind(today) -> QuerySet:
    """Open actions due within a week (but not past) whose reminder for that date is not sent."""
    return (
        Action.objects.filter(
            status__in=OPEN_STATUSES, due_date__gt=today, due_date__lte=today + REMINDER_NOTICE
        )
        .exclude(reminded_for=F("due_date"))
        .select_related("structure", "bilan")
        .order_by("due_date", "pk")
    )


def bilan_index() -> BilanIndexPage | None:
    return without_restricted(BilanIndexPage.objects.live()).only("id", "title", "url_path").first()


def method_index() -> MethodIndexPage | None:
    return (
        without_restricted(MethodIndexPage.objects.live()).only("id", "title", "url_path").first()
    )
