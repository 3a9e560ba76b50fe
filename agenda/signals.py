"""Occurrence rows follow the published state of their event."""

from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from agenda.models import EventPage
from agenda.services import clear_occurrences, rebuild_occurrences


@receiver(page_published, sender=EventPage)
def event_published(sender, instance, **kwargs):
    rebuild_occurrences(event=instance)


@receiver(page_unpublished, sender=EventPage)
def event_unpublished(sender, instance, **kwargs):
    clear_occurrences(event=instance)


# Wagtail's admin emails the requester when a workflow is submitted, approved or rejected, in its
# own words. Event proposals have their own messages (agenda.moderation, in French, with the
# moderator's message, to visitors too), so those notifiers skip them. Connecting under Wagtail's
# own dispatch_uid, before wagtail.admin does (agenda comes first in INSTALLED_APPS), makes
# Django keep these wrappers instead of Wagtail's plain handlers.
def _is_event_moderation(workflow_state) -> bool:
    from agenda.models import EventModerationTask

    return EventModerationTask.objects.filter(
        workflow_tasks__workflow=workflow_state.workflow_id
    ).exists()


def _skipping_events(notifier):
    def handler(sender, instance, **kwargs):
        if not _is_event_moderation(instance):
            return notifier(sender=sender, instance=instance, **kwargs)
        return None

    return handler


def quiet_wagtail_notifications_for_events() -> None:
    from wagtail.admin import signal_handlers as wagtail_handlers
    from wagtail.models import WorkflowState
    from wagtail.signals import workflow_approved, workflow_rejected, workflow_submitted

    for signal, uid, notifier in [
        (
            workflow_submitted,
            "workflow_state_submitted_email_notification",
            wagtail_handlers.workflow_submission_email_notifier,
        ),
        (
            workflow_rejected,
            "workflow_state_rejected_email_notification",
            wagtail_handlers.workflow_rejection_email_notifier,
        ),
        (
            workflow_approved,
            "workflow_state_approved_email_notification",
            wagtail_handlers.workflow_approval_email_notifier,
        ),
    ]:
        signal.disconnect(sender=WorkflowState, dispatch_uid=uid)
        signal.connect(
            _skipping_events(notifier), sender=WorkflowState, dispatch_uid=uid, weak=False
        )
