"""The standard's controlled vocabularies as rows, so that places can be filtered by them with
plain joins on SQLite and PostgreSQL alike."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from structures import standard


class Vocabulary(models.TextChoices):
    TYPOLOGIE = "typologie", _("Typologie")
    SERVICES = "services", _("Services")
    PUBLICS = "publics_specifiquement_adresses", _("Publics spécifiquement adressés")
    PRISE_EN_CHARGE = "prise_en_charge_specifique", _("Prise en charge spécifique")
    FRAIS = "frais_a_charge", _("Frais à charge")
    ITINERANCE = "itinerance", _("Itinérance")
    DISPOSITIFS = "dispositif_programmes_nationaux", _("Dispositifs et programmes nationaux")
    FORMATIONS = "formations_labels", _("Formations et labels")
    MODALITES_ACCES = "modalites_acces", _("Modalités d'accès")
    MODALITES_ACCOMPAGNEMENT = "modalites_accompagnement", _("Modalités d'accompagnement")
    # Not in the standard: what residents ask about.
    EQUIPEMENTS = "equipements", _("Équipements")


EQUIPEMENTS = (
    "Ordinateurs en libre accès",
    "Wifi",
    "Imprimante",
    "Scanner",
    "Tablettes",
    "Téléphones",
)

VALUES = {
    Vocabulary.TYPOLOGIE: list(standard.TYPOLOGIES.items()),
    Vocabulary.SERVICES: standard.SERVICES,
    Vocabulary.PUBLICS: standard.PUBLICS,
    Vocabulary.PRISE_EN_CHARGE: standard.PRISES_EN_CHARGE,
    Vocabulary.FRAIS: standard.FRAIS,
    Vocabulary.ITINERANCE: standard.ITINERANCE,
    Vocabulary.DISPOSITIFS: standard.DISPOSITIFS,
    Vocabulary.FORMATIONS: standard.FORMATIONS_LABELS,
    Vocabulary.MODALITES_ACCES: standard.MODALITES_ACCES,
    Vocabulary.MODALITES_ACCOMPAGNEMENT: standard.MODALITES_ACCOMPAGNEMENT,
    Vocabulary.EQUIPEMENTS: EQUIPEMENTS,
}


class Term(models.Model):
    vocabulary = models.CharField(_("vocabulaire"), max_length=40, choices=Vocabulary.choices)
    code = models.CharField(_("valeur du standard"), max_length=200)
    label = models.CharField(_("libellé"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("terme")
        verbose_name_plural = _("termes")
        ordering = ["vocabulary", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "code"], name="unique_term_per_vocabulary"
            )
        ]

    def __str__(self):
        return self.label


def sync_terms() -> None:
    """Create or update every term of every vocabulary (run by setup_site)."""
    for vocabulary, values in VALUES.items():
        for order, value in enumerate(values):
            code, label = value if isinstance(value, tuple) else (value, value)
            Term.objects.update_or_create(
                vocabulary=vocabulary, code=code, defaults={"label": label, "sort_order": order}
            )
