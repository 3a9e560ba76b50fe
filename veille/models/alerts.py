"""Saved searches that email new and closing calls, with or without an account.

The address is the only personal data kept: until the person unsubscribes (the row is deleted),
or for a week if they never confirm it.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_LENGTH = 43  # secrets.token_urlsafe(32)


def new_key() -> str:
    return secrets.token_urlsafe(32)


class Frequency(models.TextChoices):
    DAILY = "quotidienne", _("Chaque jour")
    WEEKLY = "hebdomadaire", _("Chaque semaine")


class Alert(models.Model):
    email = models.EmailField(_("adresse électronique"), max_length=254)
    query = models.CharField(_("recherche"), max_length=2000, blank=True)
    label = models.CharField(_("critères"), max_length=1000, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # In the confirmation and unsubscribe links: who holds it controls this alert, and only it.
    key = models.CharField(max_length=KEY_LENGTH + 5, unique=True, default=new_key, editable=False)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    # The cursor of send_veille_alerts: the day of the last digest, and the moment up to which
    # new calls were covered (None: none sent yet, the first digest lists every open call).
    last_sent_on = models.DateField(_("dernier envoi"), null=True, blank=True)
    covered_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("alerte de la veille")
        verbose_name_plural = _("alertes de la veille")
        indexes = [models.Index(fields=["email"])]
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="veille_one_alert_per_search")
        ]

    def __str__(self):
        return f"{self.email} : {self.label or self.query}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None
