"""Who follows what in the wiki, how often they want to hear about it, what they last read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """Follows one resource, one tag, or (neither) the whole wiki."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wiki_follows"
    )
    page = models.ForeignKey(
        "ressources.RessourcePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    tag = models.ForeignKey(
        "taggit.Tag", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.CheckConstraint(
                condition=Q(page__isnull=True) | Q(tag__isnull=True),
                name="ressource_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "page"], condition=Q(page__isnull=False), name="follow_page_once"
            ),
            models.UniqueConstraint(
                fields=["user", "tag"], condition=Q(tag__isnull=False), name="follow_tag_once"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(page__isnull=True, tag__isnull=True),
                name="follow_wiki_once",
            ),
        ]


class Frequency(models.TextChoices):
    DAILY = "quotidien", _("Chaque jour")
    WEEKLY = "hebdomadaire", _("Chaque semaine")
    NEVER = "jamais", _("Jamais")


class DigestSubscription(models.Model):
    """A person's digest: how often, and up to when the last one they were sent reached.

    `covered_until` is the cursor that makes `send_digests` idempotent and resumable: a digest
    covers (covered_until, period end]; the cursor moves only once that email has gone.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wiki_digest"
    )
    frequency = models.CharField(
        _("fréquence"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    covered_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("résumé par email")
        verbose_name_plural = _("résumés par email")


class Visit(models.Model):
    """When a logged-in person last read a resource: "modifié depuis votre dernière visite"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("ressources.RessourcePage", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="ressource_visit_once")
        ]
