"""What happens when a moderation workflow ends approved (settings.WAGTAIL_FINISH_WORKFLOW_ACTION)."""


def publish_approved(workflow_state, user=None):
    """Publish the approved revision.

    Wagtail's own action checks the approver's page permissions again, but a workflow's tasks
    already decide who approves: a facilitator moderating a structure's event has no page
    permission on that structure, and must still be able to publish it by approving.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
