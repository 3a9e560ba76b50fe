"""Proposing, changing and moderating events from the front end.

The form acts for people within their membership; they get no page permission. An editor's or
a facilitator's event is published at once; anyone else's (a member's, a visitor's) is saved as
a draft revision and submitted to the events' workflow, whose one task is moderated by the
structure's editors and the facilitators. The live version stays as it was until approval.
"""

from django_tasks import task

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.coreutils import find_available_slug
from wagtail.models import Page, TaskState, Workflow, WorkflowState

from agenda import rights
from agenda.models import (
    AgendaPage,
    EventModerationTask,
    EventPage,
    EventProposal,
    ProposalStatus,
)
from agenda.models.moderation import Action
from structures.notifications import notify_moderators, structure_of
from website.accounts import send_account_email
from website.setup import ensure_workflow_task

EVENT_WORKFLOW = "Modération des événements"
EVENT_TASK = "Validation par la structure ou l'équipe d'animation"
OUTCOME_STATUS = {
    Action.APPROVE: ProposalStatus.APPROVED,
    Action.REQUEST_CHANGES: ProposalStatus.CHANGES_REQUESTED,
    Action.REFUSE: ProposalStatus.REFUSED,
}


def event_workflow() -> Workflow:
    task, _created = EventModerationTask.objects.get_or_create(name=EVENT_TASK)
    workflow, _created = Workflow.objects.get_or_create(name=EVENT_WORKFLOW)
    ensure_workflow_task(workflow, task)
    return workflow


class EditConflict(Exception):
    """The event was saved by someone else after this person opened it."""


UNCHECKED = object()


def _check_unchanged(page: EventPage, loaded_revision) -> None:
    # The row lock makes the second of two simultaneous saves wait for the first to commit,
    # then see its revision (SQLite's IMMEDIATE transactions already run one at a time).
    latest = (
        Page.objects.select_for_update()
        .filter(pk=page.pk)
        .values_list("latest_revision_id", flat=True)
        .first()
    )
    if latest != loaded_revision:
        raise EditConflict


def _slug_for(parent: Page, title: str, page: EventPage) -> str:
    base = page.slug or slugify(title)[:70].strip("-") or "evenement"
    return find_available_slug(parent, base, ignore_page_id=page.pk)


@transaction.atomic
def save_event(
    *, page: EventPage, parent: Page | None, user, email: str = "", loaded_revision=UNCHECKED
) -> EventProposal | None:
    """Save `page` (new under `parent`, or changed) for `user` (None: a visitor).

    Returns the proposal when the change waits for moderation, None when it was published.
    A change made from `loaded_revision` (a revision id, None for none) raises EditConflict,
    saving nothing, when the event has a newer revision.
    """
    is_new = page.pk is None
    if not is_new and loaded_revision is not UNCHECKED:
        _check_unchanged(page, loaded_revision)
    if is_new:
        page.slug = _slug_for(parent, page.title, page)
        page.live = False
        page.owner = user if user is not None and user.is_authenticated else None
        parent.add_child(instance=page)
    author = user if user is not None and user.is_authenticated else None
    revision = page.save_revision(user=author, log_action=True)
    structure = structure_of(page)
    if author is not None and rights.publishes_directly(author, structure):
        _cancel_workflow(page, author)
        # The rights come from memberships, not page permissions (a facilitator has none on a
        # structure's pages): agenda.rights has decided.
        revision.publish(user=author, skip_permission_checks=True)
        _approve_open_proposals(page, author)
        return None
    return _submit(page, author=author, email=email, is_new=is_new)


def _approve_open_proposals(page: EventPage, user) -> None:
    """A moderator who edits and publishes a waiting proposal has approved it."""
    for proposal in EventProposal.objects.filter(
        event=page, status__in=[ProposalStatus.PENDING, ProposalStatus.CHANGES_REQUESTED]
    ):
        _close(proposal, status=ProposalStatus.APPROVED, user=user, message="")


def _cancel_workflow(page: EventPage, user) -> None:
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=user)


def _submit(page: EventPage, *, author, email: str, is_new: bool) -> EventProposal:
    # A second change while the first waits replaces it: moderators review the latest version.
    _cancel_workflow(page, author)
    state = event_workflow().start(page, author)
    open_proposal = (
        EventProposal.objects.filter(
            event=page,
            proposer=author,
            status__in=[ProposalStatus.PENDING, ProposalStatus.CHANGES_REQUESTED],
        )
        .order_by("-created_at", "-pk")
        .first()
        if author is not None
        else None
    )
    if open_proposal is not None:
        open_proposal.workflow_state = state
        open_proposal.status = ProposalStatus.PENDING
        open_proposal.save(update_fields=["workflow_state", "status"])
        proposal = open_proposal
    else:
        proposal = EventProposal.objects.create(
            event=page,
            workflow_state=state,
            is_new=is_new,
            proposer=author,
            email="" if author is not None else email,
        )
    key = f"agenda.proposal:{proposal.pk}:{state.pk}"
    transaction.on_commit(
        lambda: notify_waiting.enqueue(
            event_id=page.pk, key=key, author_id=author.pk if author else None
        )
    )
    return proposal


@task()
def notify_waiting(event_id: int, key: str, author_id: int | None) -> int:
    page = EventPage.objects.filter(pk=event_id).first()
    if page is None:
        return 0
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.filter(pk=author_id).first() if author_id else None
    return notify_moderators(
        page=page,
        key=key,
        what=_("une proposition d'événement"),
        exclude=author,
        review_url=_absolute(reverse("agenda_moderation_review", args=[page.pk])),
    )


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def record_outcome(*, task_state: TaskState, action: str, user, message: str) -> None:
    """Called by the task on each decision, from the front end or the admin alike."""
    proposal = EventProposal.objects.filter(workflow_state=task_state.workflow_state_id).first()
    status = OUTCOME_STATUS.get(action)
    if proposal is not None and status is not None:
        _close(proposal, status=status, user=user, message=message)


def _close(proposal: EventProposal, *, status: str, user, message: str) -> None:
    """Record the outcome and email it to the proposer once the transaction commits."""
    proposal.status = status
    proposal.message = message
    proposal.moderated_by = user
    proposal.moderated_at = timezone.now()
    proposal.save(update_fields=["status", "message", "moderated_by", "moderated_at"])
    to = proposal.reply_to
    if to:
        subject, body = _outcome_email(proposal)
        transaction.on_commit(
            lambda: send_account_email.enqueue(subject=subject, body=body, to=[to])
        )


def _outcome_email(proposal: EventProposal) -> tuple[str, str]:
    event = proposal.event
    live_url = event.full_url if event.live else ""
    context = {
        "proposal": proposal,
        "event": event,
        "status": proposal.status,
        "statuses": ProposalStatus,
        "event_url": live_url,
        "edit_url": _absolute(reverse("agenda_event_edit", args=[event.pk]))
        if proposal.proposer_id
        else "",
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("agenda/emails/outcome_subject.txt", context)
        body = render_to_string("agenda/emails/outcome.txt", context)
    return " ".join(subject.split()), body


def waiting_state(page: EventPage) -> TaskState | None:
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
        return None
    task_state = state.current_task_state
    if task_state is None or not isinstance(task_state.task.specific, EventModerationTask):
        return None
    return task_state


@transaction.atomic
def decide(*, page: EventPage, user, action: str, message: str) -> bool:
    """A moderator's decision from the front-end queue; False if nothing waits or not theirs
    (another moderator's decision came first)."""
    task_state = waiting_state(page)
    if task_state is None or not rights.can_moderate(user, page):
        return False
    # Two moderators deciding at once: the second waits here for the first to commit, then
    # finds the task no longer in progress.
    if (
        not TaskState.objects.select_for_update()
        .filter(pk=task_state.pk, status=TaskState.STATUS_IN_PROGRESS)
        .exists()
    ):
        return False
    task_state.task.specific.on_action(task_state, user, action, comment=message)
    return True


def parent_for(structure) -> Page:
    """Where a new event goes: under its structure, or under the agenda for the network."""
    return structure if structure is not None else AgendaPage.objects.get()
