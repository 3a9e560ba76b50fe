"""Which structures work on which call, and what they obtained."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InterestStatus(models.TextChoices):
    INTERESTED = "interessee", _("Intéressée")
    PREPARING = "en-preparation", _("En préparation")
    SUBMITTED = "deposee", _("Dossier déposé")
    OBTAINED = "obtenue", _("Obtenue")
    REFUSED = "refusee", _("Refusée")


class Interest(models.Model):
    """A structure's interest in a call, recorded by one of its members from the call's page."""

    call = models.ForeignKey(
        "veille.AppelPage",
        verbose_name=_("appel"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    structure = models.ForeignKey(
        "structures.StructurePage",
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="call_interests",
    )
    status = models.CharField(
        _("où en est-elle"),
        max_length=20,
        choices=InterestStatus.choices,
        default=InterestStatus.INTERESTED,
    )
    note = models.CharField(_("précision"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mis à jour par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("intérêt d'une structure")
        verbose_name_plural = _("intérêts des structures")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "structure"], name="veille_one_interest_per_structure"
            )
        ]

    def __str__(self):
        return f"{self.structure_id} → {self.call_id} ({self.get_status_display()})"
