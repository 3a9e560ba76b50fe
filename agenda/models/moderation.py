"""Moderation of proposed events: a workflow task whose moderators come from memberships, with a
"refuse with a message" action that Wagtail's group approval task lacks, and the proposals it
decides on (who proposed, what the moderator answered)."""

from django import forms
from django.conf import settings
from django.db import models, transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.forms import TaskStateCommentForm
from wagtail.models import Page, Task, TaskState

from agenda import rights
from website.privacy_services import display_name

MESSAGE_MAX_LENGTH = 2000


class MessageForm(TaskStateCommentForm):
    """Asking for changes or refusing: the proposer must be told why."""

    comment = forms.CharField(
        label=_("Message à la personne qui a proposé"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={"required": _("Écrivez un message pour expliquer votre décision.")},
    )


class Action(models.TextChoices):
    APPROVE = "approve", _("Approuver")
    REQUEST_CHANGES = "reject", _("Demander des modifications")
    REFUSE = "refuse", _("Refuser")


class EventModerationTask(Task):
    """Approval by the event's structure's editors or by the facilitators."""

    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = _("validation par la structure ou l'équipe d'animation")
        verbose_name_plural = _("validations par la structure ou l'équipe d'animation")

    @classmethod
    def get_description(cls):
        return _(
            "Les éditeurs de la structure de la page et l'équipe d'animation approuvent, "
            "demandent des modifications ou refusent avec un message."
        )

    def user_can_access_editor(self, obj, user):
        return rights.can_moderate(user, obj)

    def locked_for_user(self, obj, user):
        return not rights.can_moderate(user, obj)

    def user_can_lock(self, obj, user):
        return rights.can_moderate(user, obj)

    def get_actions(self, obj, user):
        if not rights.can_moderate(user, obj):
            return []
        return [
            (Action.REQUEST_CHANGES.value, Action.REQUEST_CHANGES.label, True),
            (Action.APPROVE.value, Action.APPROVE.label, False),
            (Action.APPROVE.value, _("Approuver avec un commentaire"), True),
            (Action.REFUSE.value, Action.REFUSE.label, True),
        ]

    def get_form_for_action(self, action):
        if action in (Action.REQUEST_CHANGES, Action.REFUSE):
            return MessageForm
        return super().get_form_for_action(action)

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        comment = (kwargs.get("comment") or "")[:MESSAGE_MAX_LENGTH]
        if action_name == Action.REFUSE:
            # Refusing ends the proposal: the task is rejected and its workflow cancelled, so the
            # draft never goes live and nothing waits any more.
            task_state.reject(user=user, update=False, comment=comment)
            task_state.workflow_state.cancel(user=user)
        else:
            super().on_action(task_state, user, action_name, comment=comment)
        from agenda.moderation import record_outcome  # the service imports these models

        record_outcome(task_state=task_state, action=action_name, user=user, message=comment)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if rights.is_facilitator(user):
            return states
        pages = Page.objects.filter(rights.within(rights.editor_structures(user)))
        return states.filter(
            workflow_state__object_id__in=pages.values(text_pk=Cast("pk", CharField()))
        )


class ProposalStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente de modération")
    CHANGES_REQUESTED = "a_modifier", _("Modifications demandées")
    APPROVED = "approuvee", _("Publiée")
    REFUSED = "refusee", _("Refusée")


class EventProposal(models.Model):
    """One proposal (a new event or a change to one) and its outcome.

    A visitor's address is kept only to answer them: `purge_proposals` erases it 90 days after
    the moderation.
    """

    event = models.ForeignKey(
        "agenda.EventPage",
        verbose_name=_("événement"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    workflow_state = models.ForeignKey(
        "wagtailcore.WorkflowState", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_new = models.BooleanField(_("nouvel événement"), default=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_proposals",
    )
    email = models.EmailField(_("courriel de la personne"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    message = models.TextField(_("message de la modération"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposé le"), default=timezone.now)
    moderated_at = models.DateTimeField(_("modéré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposition d'événement")
        verbose_name_plural = _("propositions d'événements")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event_id} ({self.get_status_display()})"

    @property
    def proposer_name(self) -> str:
        """Who proposed it, for the moderators; empty for a visitor without an account."""
        return display_name(self.proposer) if self.proposer_id else ""

    @property
    def reply_to(self) -> str:
        if self.proposer_id:
            return self.proposer.email if self.proposer.is_active else ""
        return self.email


@register_setting(icon="date")
class AgendaSettings(BaseSiteSetting):
    visitors_can_propose = models.BooleanField(
        _("les visiteurs sans compte peuvent proposer un événement"),
        default=True,
        help_text=_("Leurs propositions sont toujours modérées par l'équipe d'animation."),
    )

    panels = [FieldPanel("visitors_can_propose")]

    class Meta:
        verbose_name = _("réglages de l'agenda")
