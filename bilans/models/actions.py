"""Actions decided at a review day, owned by a structure (or by the network's facilitators),
followed up until done or abandoned."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bilans.models.choices import OPEN_STATUSES, Status

DESCRIPTION_MAX_LENGTH = 1000
# The pages that may carry an action out, by "app_label.model": named, not imported, so that
# bilans never imports the agenda, the wiki or the funding watch.
CARRIER_MODELS = ["agenda.eventpage", "ressources.ressourcepage", "veille.appelpage"]


class Action(models.Model):
    bilan = models.ForeignKey(
        "bilans.BilanPage",
        verbose_name=_("journée bilan"),
        null=True,
        blank=True,
        # An action outlives a deleted review day: its follow-up still matters.
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    section_id = models.CharField(_("section d'origine"), max_length=64, blank=True, editable=False)
    section_title = models.CharField(_("section"), max_length=255, blank=True)
    item_id = models.CharField(_("point d'origine"), max_length=64, blank=True, editable=False)
    structure = models.ForeignKey(
        "structures.StructurePage",
        verbose_name=_("structure responsable"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bilan_actions",
        help_text=_("Vide : l'équipe d'animation du réseau."),
    )
    description = models.TextField(_("action"), max_length=DESCRIPTION_MAX_LENGTH)
    due_date = models.DateField(_("échéance"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.TODO, db_index=True
    )
    carried_by = models.ManyToManyField(
        "wagtailcore.Page",
        verbose_name=_("mise en œuvre par"),
        blank=True,
        related_name="+",
        help_text=_("Les événements, ressources ou appels à projets qui la réalisent."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    status_changed_at = models.DateTimeField(
        _("état changé le"), null=True, blank=True, editable=False
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("état changé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The due date a reminder was sent for: the cursor of send_action_reminders. A new due
    # date earns a new reminder.
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["structure", "status"])]

    def __str__(self):
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def owner_name(self) -> str:
        return self.structure.title if self.structure_id else str(_("Équipe d'animation du réseau"))
