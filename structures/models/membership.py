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


class Invitation(models.Model):
    """An invitation by email to join a structure with a role; the link sets a password.

    Only a hash of the link's token is stored, so the table alone lets nobody in.
    """

    email = models.EmailField(_("adresse électronique"))
    structure = models.ForeignKey(
        "structures.StructurePage",
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte créé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["email"])]

    def __str__(self):
        return f"{self.email} → {self.structure}"
