"""The funding watch's pages: the watch itself and the calls for projects."""

from datetime import datetime

from modelcluster.fields import ParentalManyToManyField

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from structures.models import Vocabulary
from structures.models.pages import TermsMixin, terms_form
from veille.status import PARIS, CallStatus, call_status, closes_at, paris_now
from website.models import BasePage, IndexPage
from website.models.pages import RICH_TEXT_FEATURES

CALL_VOCABULARIES = {"typologies": Vocabulary.TYPOLOGIE}


class VeilleIndexPage(RoutablePageMixin, IndexPage):
    """ "Veille financements": calls for projects and their deadlines."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["veille.AppelPage"]
    max_count = 1
    empty_message = _("Aucun appel à projets pour l'instant.")
    per_page = 30

    class Meta:
        verbose_name = _("veille financements")

    def cache_expires_at(self, now: datetime) -> datetime | None:
        """Listings drop a call when its deadline's time passes: a cached one turns then
        (website.page_cache; deadlines without a time pass at midnight, when it turns anyway)."""
        today, clock = paris_now(now)
        moment = (
            AppelPage.objects.filter(deadline=today, deadline_time__gte=clock)
            .order_by("deadline_time")
            .values_list("deadline_time", flat=True)
            .first()
        )
        return datetime.combine(today, moment, tzinfo=PARIS) if moment else None

    # Views import the selectors, which import these models: hence the imports in each route.
    @path("")
    def listing(self, request):
        from veille import views

        return views.listing(self, request)

    @path("archives/", name="archive")
    def archive(self, request):
        from veille import views

        return views.archive(self, request)

    @path("ics/", name="ics")
    def ics(self, request):
        from veille import views

        return views.deadlines_ics(self, request)

    @path("rss/", name="rss")
    def rss(self, request):
        from veille import views

        return views.new_calls_rss(self, request)

    @path("alerte/", name="alert")
    def alert(self, request):
        from veille import alert_views

        return alert_views.subscribe(request, self)


class AppelKind(models.TextChoices):
    CALL_FOR_PROJECTS = "aap", _("Appel à projets")
    CALL_FOR_INTEREST = "ami", _("Appel à manifestation d'intérêt")
    TENDER = "ao", _("Appel d'offres")
    STANDING_GRANT = "subvention", _("Subvention permanente")
    PRIZE = "prix", _("Prix")


class Recurrence(models.TextChoices):
    ONE_OFF = "ponctuel", _("Ponctuel")
    PERMANENT = "permanent", _("Permanent")
    RECURRING = "recurrent", _("Récurrent")


class Scope(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNAL = "intercommunalite", _("Intercommunalité")
    DEPARTMENT = "departement", _("Département")
    REGION = "region", _("Région")
    NATIONAL = "national", _("National")
    EUROPE = "europe", _("Europe")


class Source(models.TextChoices):
    MANUAL = "manuel", _("Saisie manuelle")
    AIDES_TERRITOIRES = "aides-territoires", _("Importé d'Aides-territoires")


class AppelPage(RoutablePageMixin, TermsMixin, BasePage):
    """A call for projects, a grant or a prize: under the watch (entered by the facilitators) or
    under the page of the structure that publishes it. Its status is computed (veille.status)."""

    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    funders = ParentalManyToManyField(
        "veille.Funder", verbose_name=_("financeurs"), blank=True, related_name="calls"
    )
    kind = models.CharField(
        _("type d'appel"),
        max_length=20,
        choices=AppelKind.choices,
        default=AppelKind.CALL_FOR_PROJECTS,
    )
    recurrence = models.CharField(
        _("récurrence"), max_length=20, choices=Recurrence.choices, default=Recurrence.ONE_OFF
    )
    opening_date = models.DateField(_("ouverture"), null=True, blank=True)
    predeposit_date = models.DateField(_("date de pré-dépôt"), null=True, blank=True)
    deadline = models.DateField(
        _("date limite"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Vide pour un dispositif permanent. Sans heure, l'appel reste ouvert jusqu'à la fin de ce jour."
        ),
    )
    deadline_time = models.TimeField(
        _("heure limite"), null=True, blank=True, help_text=_("Heure de Paris, facultative.")
    )
    amount_min = models.PositiveIntegerField(_("montant minimum (€)"), null=True, blank=True)
    amount_max = models.PositiveIntegerField(_("montant maximum (€)"), null=True, blank=True)
    rate_min = models.PositiveSmallIntegerField(
        _("taux minimum (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    rate_max = models.PositiveSmallIntegerField(
        _("taux maximum (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    amount_note = models.CharField(
        _("précisions sur le montant"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple : « jusqu'à 80 % des dépenses, plafonné à 30 000 € »."),
    )
    themes = ParentalManyToManyField(
        "veille.Theme", verbose_name=_("thèmes"), blank=True, related_name="calls"
    )
    scope = models.CharField(_("échelle"), max_length=20, choices=Scope.choices, blank=True)
    perimeter = models.CharField(
        _("territoire"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : Savoie, Auvergne-Rhône-Alpes."),
    )
    description = RichTextField(_("description"), blank=True, features=RICH_TEXT_FEATURES)
    eligibility = RichTextField(
        _("critères d'éligibilité"), blank=True, features=RICH_TEXT_FEATURES
    )
    official_url = models.URLField(_("page officielle"), blank=True, max_length=500)
    application_url = models.URLField(_("lien pour candidater"), blank=True, max_length=500)
    contact = RichTextField(_("contact"), blank=True, features=["bold", "italic", "link"])
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL, editable=False
    )
    source_id = models.CharField(
        _("identifiant à la source"), max_length=100, blank=True, editable=False
    )
    source_url = models.URLField(_("fiche à la source"), blank=True, max_length=500, editable=False)
    source_updated_at = models.DateTimeField(
        _("mise à jour à la source"), null=True, blank=True, editable=False
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("recurrence")]),
        FieldPanel("funders", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opening_date"), FieldPanel("predeposit_date")]),
                FieldRowPanel([FieldPanel("deadline"), FieldPanel("deadline_time")]),
            ],
            heading=_("Dates"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("amount_min"), FieldPanel("amount_max")]),
                FieldRowPanel([FieldPanel("rate_min"), FieldPanel("rate_max")]),
                FieldPanel("amount_note"),
            ],
            heading=_("Montants ou taux"),
        ),
        FieldPanel("typologies"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("scope"), FieldPanel("perimeter")]),
        FieldPanel("description"),
        FieldPanel("eligibility"),
        MultiFieldPanel(
            [FieldPanel("official_url"), FieldPanel("application_url"), FieldPanel("contact")],
            heading=_("Liens et contact"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Appel")),
            ObjectList(BasePage.promote_panels, heading=_("Promotion")),
            ObjectList(BasePage.settings_panels, heading=_("Paramètres")),
        ]
    )
    base_form_class = terms_form("AppelPageForm", CALL_VOCABULARIES)
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("eligibility"),
        index.FilterField("deadline"),
        index.FilterField("kind"),
    ]
    # A copy is a new call typed by a person, not the imported record.
    exclude_fields_in_copy = ["source", "source_id", "source_url", "source_updated_at"]

    parent_page_types = ["veille.VeilleIndexPage", "structures.StructurePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="veille_one_call_per_source_record",
            ),
            models.CheckConstraint(
                condition=models.Q(opening_date__isnull=True)
                | models.Q(deadline__isnull=True)
                | models.Q(deadline__gte=models.F("opening_date")),
                name="veille_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True)
                | models.Q(amount_max__isnull=True)
                | models.Q(amount_max__gte=models.F("amount_min")),
                name="veille_amount_max_above_min",
            ),
            models.CheckConstraint(
                condition=(models.Q(rate_min__isnull=True) | models.Q(rate_min__lte=100))
                & (models.Q(rate_max__isnull=True) | models.Q(rate_max__lte=100)),
                name="veille_rates_are_percentages",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.opening_date and self.deadline and self.deadline < self.opening_date:
            errors["deadline"] = _("La date limite doit venir après l'ouverture.")
        if self.predeposit_date and self.deadline and self.predeposit_date > self.deadline:
            errors["predeposit_date"] = _("Le pré-dépôt doit venir avant la date limite.")
        if self.deadline_time and not self.deadline:
            errors["deadline_time"] = _("Indiquez aussi la date limite.")
        if (
            self.amount_min is not None
            and self.amount_max is not None
            and self.amount_max < self.amount_min
        ):
            errors["amount_max"] = _("Le montant maximum doit être au moins égal au minimum.")
        if (
            self.rate_min is not None
            and self.rate_max is not None
            and self.rate_max < self.rate_min
        ):
            errors["rate_max"] = _("Le taux maximum doit être au moins égal au minimum.")
        if self.deadline and self.deadline.year < 2000:
            errors["deadline"] = _("Cette date est trop ancienne.")
        if errors:
            raise ValidationError(errors)

    def get_listing_summary(self) -> str:
        return self.listing_summary or self.summary

    def status(self, now: datetime | None = None) -> CallStatus:
        return call_status(
            now=now or timezone.now(),
            opening=self.opening_date,
            deadline=self.deadline,
            deadline_time=self.deadline_time,
            permanent=self.recurrence == Recurrence.PERMANENT,
        )

    @property
    def current_status(self) -> CallStatus:
        return self.status()

    @property
    def closes_at(self) -> datetime | None:
        return closes_at(self.deadline, self.deadline_time)

    @property
    def typologies_list(self):
        return self.terms_of(Vocabulary.TYPOLOGIE)

    @property
    def amount_text(self) -> str:
        """Amounts and rates in words, for listings and the call's page."""
        from veille.wording import amount_text

        return amount_text(self)

    @path("")
    def detail(self, request):
        from veille import views

        return views.call_detail(self, request)

    @path("interet/", name="interest")
    def interest(self, request):
        from veille import views

        return views.record_interest(request, self)

    def interest_url(self) -> str:
        return self.url + self.reverse_subpage("interest")

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: each call's status and deadline."""
        from veille.wording import deadline_text

        facts = {}
        for page in pages:
            fact = str(page.status(now).label)
            if page.deadline:
                deadline = deadline_text(page.deadline, page.deadline_time)
                fact += " · " + _("date limite : %(date)s") % {"date": deadline}
            facts[page.pk] = fact
        return facts
