"""Who belongs to which structure, and who facilitates the network: the data every right
is derived from (see structures.permissions)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "membre", _("Membre")
    EDITOR = "editeur", _("Éditeur ou éditrice")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    structure = models.ForeignKey(
        "structures.StructurePage",
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance à une structure")
        verbose_name_plural = _("appartenances aux structures")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure"], name="one_membership_per_structure"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.structure} ({self.get_role_display()})"


class Facilitator(models.Model):
    """The network-wide facilitator role ("équipe d'animation"), granted by an administrator."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="facilitator_role",
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre de l'équipe d'animation")
        verbose_name_plural = _("équipe d'animation")

    def __str__(self):
        return str(self.user)
