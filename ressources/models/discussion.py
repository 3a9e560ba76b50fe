"""Comments and questions on resources: participants' words, never rendered as HTML."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 5000


class Comment(models.Model):
    """A comment or a question on a resource; replies go one level deep (`parent`)."""

    page = models.ForeignKey(
        "ressources.RessourcePage",
        on_delete=models.CASCADE,
        related_name="discussion",  # Wagtail's own admin comments are `wagtail_admin_comments`
        verbose_name=_("ressource"),
    )
    # A deleted account leaves its comments, signed "ancien membre", so threads stay readable.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="ressource_comments",
        verbose_name=_("auteur"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("en réponse à"),
    )
    body = models.TextField(_("commentaire"), max_length=COMMENT_MAX_LENGTH)
    is_question = models.BooleanField(_("c'est une question"), default=False)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["page", "created_at"], name="ressource_comment_page")]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(is_question=True),
                name="ressource_comment_only_questions_answered",
            ),
        ]

    def __str__(self):
        return f"{self.body[:60]}"


class CommentReport(models.Model):
    """Someone logged in thinks a comment should not be there; moderators decide."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("commentaire")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("raison"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="ressource_comment_report_once"
            )
        ]
