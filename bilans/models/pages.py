"""The review days, the method library and their index pages."""

from modelcluster.fields import ParentalKey

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from bilans.blocks import BilanSectionsBlock, RoleBlock, SourceBlock, TimedStepBlock
from bilans.models.choices import Licence, MethodKind, Objective
from website.models import BasePage, IndexPage
from website.models.pages import RICH_TEXT_FEATURES

MAX_GROUP_SIZE = 500
MAX_DURATION = 24 * 60


def lines(text: str) -> list[str]:
    """A one-per-line field as its non-empty lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class BilanIndexPage(RoutablePageMixin, IndexPage):
    """ "Bilans": review days, newest first; the method library and the action boards."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["bilans.BilanPage", "bilans.MethodIndexPage"]
    max_count = 1
    empty_message = _("Aucun bilan pour l'instant.")
    per_page = 20

    class Meta:
        verbose_name = _("liste des bilans")

    def get_context(self, request, *args, **kwargs):
        from bilans.views import bilan_index_context  # views read selectors, which import this

        return super().get_context(request, *args, **kwargs) | bilan_index_context(self, request)

    @path("")
    def listing(self, request):
        return self.render(request)

    @path("actions/", name="network_board")
    def network_board(self, request):
        from bilans import views

        return views.board(request, index=self, structure_slug=None)

    @re_path(r"^actions/structure/(?P<slug>[-\w]+)/$", name="structure_board")
    def structure_board(self, request, slug):
        from bilans import views

        return views.board(request, index=self, structure_slug=slug)

    @path("actions/<int:pk>/statut/", name="action_status")
    def action_status(self, request, pk):
        from bilans import views

        return views.update_status(request, index=self, pk=pk)

    @path("actions/<int:pk>/modifier/", name="action_edit")
    def action_edit(self, request, pk):
        from bilans import views

        return views.edit_action(request, index=self, pk=pk)


class MethodIndexPage(IndexPage):
    """ "Méthodes": the method library, with its filters."""

    parent_page_types = ["bilans.BilanIndexPage"]
    subpage_types = ["bilans.MethodPage"]
    max_count = 1
    empty_message = _("Aucune méthode pour l'instant.")
    per_page = 30

    class Meta:
        verbose_name = _("bibliothèque de méthodes")

    def get_context(self, request, *args, **kwargs):
        from bilans.views import method_library_context

        return super().get_context(request, *args, **kwargs) | method_library_context(self, request)


class MethodPage(BasePage):
    """A method sheet: what it is for, for how many, how long, its timed steps and roles."""

    objective = models.CharField(_("objectif"), max_length=20, choices=Objective.choices)
    kind = models.CharField(_("type"), max_length=30, choices=MethodKind.choices)
    group_min = models.PositiveSmallIntegerField(
        _("participants au moins"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_GROUP_SIZE)],
    )
    group_max = models.PositiveSmallIntegerField(
        _("participants au plus"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_GROUP_SIZE)],
        help_text=_("Vide : pas de limite."),
    )
    duration = models.PositiveSmallIntegerField(
        _("durée (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION)]
    )
    remote = models.BooleanField(_("faisable à distance"), default=False)
    summary = models.CharField(_("résumé"), max_length=500)
    steps = StreamField([("step", TimedStepBlock())], verbose_name=_("étapes minutées"), blank=True)
    roles = StreamField([("role", RoleBlock())], verbose_name=_("rôles"), blank=True)
    materials = models.TextField(
        _("matériel"), blank=True, max_length=2000, help_text=_("Un élément par ligne.")
    )
    tips = RichTextField(_("conseils"), blank=True, features=RICH_TEXT_FEATURES)
    variants = RichTextField(_("variantes"), blank=True, features=RICH_TEXT_FEATURES)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_SA
    )
    sources = StreamField([("source", SourceBlock())], verbose_name=_("sources"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary", widget=forms.Textarea(attrs={"rows": 4})),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("objective"), FieldPanel("kind")]),
                FieldRowPanel([FieldPanel("group_min"), FieldPanel("group_max")]),
                FieldRowPanel([FieldPanel("duration"), FieldPanel("remote")]),
            ],
            heading=_("Pour quoi, pour combien, combien de temps"),
        ),
        FieldPanel("steps"),
        FieldPanel("roles"),
        FieldPanel("materials"),
        FieldPanel("tips"),
        FieldPanel("variants"),
        MultiFieldPanel(
            [FieldPanel("licence"), FieldPanel("sources")], heading=_("Licence et sources")
        ),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("steps"),
        index.SearchField("tips"),
        index.FilterField("objective"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["bilans.MethodIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("méthode")
        verbose_name_plural = _("méthodes")
        constraints = [
            models.CheckConstraint(
                condition=Q(group_max__isnull=True) | Q(group_max__gte=models.F("group_min")),
                name="method_group_min_le_max",
            )
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.group_max is not None and self.group_min and self.group_max < self.group_min:
            errors["group_max"] = _(
                "Le nombre maximal de participants est plus petit que le minimum."
            )
        total = self.steps_minutes()
        if self.duration and total > self.duration:
            errors["duration"] = _(
                "Les étapes durent %(total)s minutes en tout, plus que la durée indiquée "
                "(%(duration)s minutes) : corrigez l'une ou l'autre."
            ) % {"total": total, "duration": self.duration}
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from bilans.views import method_context

        return super().get_context(request, *args, **kwargs) | method_context(self, request)

    def get_listing_summary(self) -> str:
        return self.listing_summary or self.summary

    def steps_minutes(self) -> int:
        return sum(step.value.get("minutes") or 0 for step in self.steps)

    def materials_list(self) -> list[str]:
        return lines(self.materials)

    def group_size_label(self) -> str:
        if self.group_max is None:
            return ngettext(
                "à partir de %(min)s personne", "à partir de %(min)s personnes", self.group_min
            ) % {"min": self.group_min}
        if self.group_max == self.group_min:
            return ngettext("%(min)s personne", "%(min)s personnes", self.group_min) % {
                "min": self.group_min
            }
        return _("de %(min)s à %(max)s personnes") % {"min": self.group_min, "max": self.group_max}

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: how long each method takes and for how many."""
        return {page.pk: f"{page.duration_label()} · {page.group_size_label()}" for page in pages}

    def duration_label(self) -> str:
        hours, minutes = divmod(self.duration, 60)
        if not hours:
            return _("%(minutes)s min") % {"minutes": minutes}
        if not minutes:
            return _("%(hours)s h") % {"hours": hours}
        return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": minutes}


class BilanPage(RoutablePageMixin, BasePage):
    """A review day: who came, where, what for, then its sections in order, each bound to the
    method it used. Its actions are rows (bilans.Action), not blocks."""

    date = models.DateField(_("date"), db_index=True)
    place = models.ForeignKey(
        "structures.LieuPage",
        verbose_name=_("lieu du réseau"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(
        _("ou adresse"),
        max_length=200,
        blank=True,
        help_text=_("Si la journée s'est tenue ailleurs que dans un lieu du réseau."),
    )
    objectives = models.TextField(
        _("objectifs"), blank=True, max_length=3000, help_text=_("Un objectif par ligne.")
    )
    facilitators = models.TextField(
        _("animation"),
        blank=True,
        max_length=2000,
        help_text=_("Une personne par ligne : son nom ou sa fonction, et sa structure."),
    )
    guests = models.TextField(
        _("invités extérieurs"),
        blank=True,
        max_length=3000,
        help_text=_("Une personne ou une structure par ligne."),
    )
    sections = StreamField(
        BilanSectionsBlock(), verbose_name=_("déroulé de la journée"), blank=True
    )
    methods_used = models.ManyToManyField(
        "bilans.MethodPage", blank=True, editable=False, related_name="used_in"
    )

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("place"), FieldPanel("address")],
            heading=_("Quand et où"),
        ),
        FieldPanel("objectives"),
        MultiFieldPanel(
            [
                FieldPanel("facilitators"),
                InlinePanel("participations", label=_("structure participante")),
                FieldPanel("guests"),
            ],
            heading=_("Qui était là"),
        ),
        FieldPanel("sections"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("objectives"),
        index.SearchField("sections"),
        index.FilterField("date"),
    ]

    parent_page_types = ["bilans.BilanIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("journée bilan")
        verbose_name_plural = _("journées bilan")

    def clean(self):
        super().clean()
        if self.place_id and self.address.strip():
            raise ValidationError(
                {"address": _("Choisissez un lieu du réseau ou écrivez une adresse, pas les deux.")}
            )

    def save(self, *args, **kwargs):
        # Read every section before saving, so that each list item is stored with its id: an
        # item keeps its id for good, and its action (bilans.Action.item_id) finds it again.
        sections = list(self.sections)
        super().save(*args, **kwargs)
        # Drafts are saved as revisions: the row, and so the methods it uses, is what is live.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "sections" in update_fields:
            self.methods_used.set(self.method_ids(sections))

    def get_context(self, request, *args, **kwargs):
        from bilans.views import bilan_context

        return super().get_context(request, *args, **kwargs) | bilan_context(self, request)

    @path("")
    def day(self, request):
        return self.render(request)

    @path("imprimer/", name="print")
    def print_version(self, request):
        return self.render(request, context_overrides={"printing": True})

    @path("telecharger/", name="document")
    def document(self, request):
        from bilans import views

        return views.download(request, self)

    @path("action/<str:section_id>/<str:item_id>/", name="new_action")
    def new_action(self, request, section_id, item_id):
        from bilans import views

        return views.new_action(request, bilan=self, section_id=section_id, item_id=item_id)

    def method_ids(self, sections=None) -> set[int]:
        return {
            block.value["method"].pk
            for block in (self.sections if sections is None else sections)
            if hasattr(block.value, "get") and block.value.get("method")
        }

    def section(self, section_id: str):
        """The section block with this id, or None."""
        return next((block for block in self.sections if block.id == section_id), None)

    def objectives_list(self) -> list[str]:
        return lines(self.objectives)

    def facilitators_list(self) -> list[str]:
        return lines(self.facilitators)

    def guests_list(self) -> list[str]:
        return lines(self.guests)

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: the day each review day was held."""
        from django.utils.formats import date_format

        return {
            page.pk: _("Journée du %(date)s") % {"date": date_format(page.date, "j F Y")}
            for page in pages
        }

    def where(self) -> str:
        if self.place_id:
            return self.place.title
        return self.address


class BilanParticipation(Orderable):
    """A structure that took part in a review day, and who came from it (optional, free text)."""

    bilan = ParentalKey(BilanPage, on_delete=models.CASCADE, related_name="participations")
    structure = models.ForeignKey(
        "structures.StructurePage",
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    people = models.TextField(
        _("qui est venu"),
        blank=True,
        max_length=2000,
        help_text=_("Facultatif : une personne par ligne, son nom ou sa fonction."),
    )

    panels = [FieldPanel("structure"), FieldPanel("people")]

    class Meta(Orderable.Meta):
        verbose_name = _("structure participante")
        verbose_name_plural = _("structures participantes")

    def people_list(self) -> list[str]:
        return lines(self.people)
