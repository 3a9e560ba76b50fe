"""Who funds calls, and the themes calls are sorted by: rows kept by the facilitators."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel


class FunderKind(models.TextChoices):
    STATE = "etat", _("État")
    REGION = "region", _("Région")
    DEPARTMENT = "departement", _("Département")
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNAL = "intercommunalite", _("Intercommunalité")
    EUROPE = "europe", _("Europe")
    CAF = "caf", _("CAF")
    FOUNDATION = "fondation", _("Fondation")
    COMPANY = "entreprise", _("Entreprise")
    OTHER = "autre", _("Autre")


class Funder(models.Model):
    """A funder (snippet): the State, a region, a CAF, a foundation…"""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(
        _("type de financeur"), max_length=20, choices=FunderKind.choices, default=FunderKind.OTHER
    )
    website = models.URLField(_("site web"), blank=True, max_length=500)

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("website")]

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A theme of the funding watch ("Inclusion numérique", "Accès aux droits"…)."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True, blank=True)

    panels = [FieldPanel("name")]

    class Meta:
        verbose_name = _("thème de la veille")
        verbose_name_plural = _("thèmes de la veille")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)[:80]
        super().save(*args, **kwargs)


# The themes setup_site creates (facilitators add others in the admin).
DEFAULT_THEMES = [
    "Inclusion numérique",
    "Accès aux droits",
    "Équipement et réemploi",
    "Formation des aidants",
    "Emploi et insertion",
    "Jeunesse",
    "Seniors",
    "Parentalité et familles",
    "Culture et lien social",
    "Santé",
    "Transition écologique",
]
