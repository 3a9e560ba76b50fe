"""Saved searches that email new and closing calls, with or without an account.

The address, its key and its confirmation come from website's double opt-in (OptInAddress):
kept until the person unsubscribes (the row is deleted), or for a week if never confirmed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# new_key: the default of Alert.key in the migrations, which name it here.
from website.models.mailing import KEY_LENGTH, OptInAddress, new_key

__all__ = ["KEY_LENGTH", "Alert", "Frequency", "new_key"]


class Frequency(models.TextChoices):
    DAILY = "quotidienne", _("Chaque jour")
    WEEKLY = "hebdomadaire", _("Chaque semaine")


class Alert(OptInAddress):
    query = models.CharField(_("recherche"), max_length=2000, blank=True)
    label = models.CharField(_("critères"), max_length=1000, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # The cursor of send_veille_alerts: the day of the last digest, and the moment up to which
    # new calls were covered (None: none sent yet, the first digest lists every open call).
    last_sent_on = models.DateField(_("dernier envoi"), null=True, blank=True)
    covered_until = models.DateTimeField(null=True, blank=True, editable=False)

    confirm_url_name = "veille_alert_confirm"
    unsubscribe_url_name = "veille_alert_unsubscribe"

    class Meta:
        verbose_name = _("alerte de la veille")
        verbose_name_plural = _("alertes de la veille")
        indexes = [models.Index(fields=["email"])]
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="veille_one_alert_per_search")
        ]

    def __str__(self):
        return f"{self.email} : {self.label or self.query}"
