"""The agenda and its events."""

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from agenda.recurrence import describe, parse_exceptions, validate_exceptions, validate_rrule
from agenda.recurrence_field import with_recurrence
from structures.models import Vocabulary
from structures.models.pages import TermsMixin, terms_form
from website.blocks import BodyBlock
from website.models import BasePage, IndexPage

EVENT_VOCABULARIES = {"publics": Vocabulary.PUBLICS}


class AgendaPage(RoutablePageMixin, IndexPage):
    """ "Agenda": every event of the network."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucun événement pour l'instant.")
    per_page = 30

    class Meta:
        verbose_name = _("agenda")

    def cache_expires_at(self, now):
        """A cached view of the agenda turns when any session starts or ends (website.page_cache)."""
        return next_occurrence_change(Occurrence.objects.all(), now)

    # Views import the selectors, which import these models: hence the imports in each route.
    @path("")
    def listing(self, request):
        from agenda import views

        return views.agenda_listing(self, request)

    @path("semaine/", name="week")
    def week(self, request):
        from agenda import views

        return views.agenda_week(self, request)

    @path("mois/", name="month_current")
    @path("mois/<int:year>/<int:month>/", name="month")
    def month(self, request, year=None, month=None):
        from agenda import views

        return views.agenda_month(self, request, year=year, month=month)

    @path("planning/", name="planning")
    def planning(self, request):
        from agenda import views

        return views.agenda_planning(self, request)

    @path("imprimer/", name="print")
    def print_view(self, request):
        from agenda import views

        return views.agenda_print(self, request)

    @path("ics/", name="ics")
    def ics(self, request):
        from agenda import views

        return views.agenda_ics(self, request)

    @path("ics/structure/<slug:slug>/", name="structure_ics")
    def structure_ics(self, request, slug):
        from agenda import views

        return views.structure_ics(self, request, slug)

    @path("rss/", name="rss")
    def rss(self, request):
        from agenda import views

        return views.agenda_rss(self, request)

    def feed_url(self) -> str:
        return self.url + self.reverse_subpage("ics")


class Status(models.TextChoices):
    SCHEDULED = "programme", _("Programmé")
    POSTPONED = "reporte", _("Reporté")
    FULL = "complet", _("Complet")
    CANCELLED = "annule", _("Annulé")


class Category(models.TextChoices):
    WORKSHOP = "atelier", _("Atelier")
    DROP_IN = "permanence", _("Permanence")
    TRAINING = "formation", _("Formation")
    CONFERENCE = "conference", _("Conférence")
    NETWORK_MEETING = "reunion", _("Réunion du réseau")
    REVIEW_DAY = "bilan", _("Journée bilan")
    OTHER = "autre", _("Autre")


class Mode(models.TextChoices):
    IN_PERSON = "sur_place", _("Sur place")
    ONLINE = "en_ligne", _("En ligne")
    BOTH = "les_deux", _("Sur place et en ligne")


class EventTag(TaggedItemBase):
    content_object = ParentalKey(
        "agenda.EventPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class EventPage(RoutablePageMixin, TermsMixin, BasePage):
    """An event of a structure (under its page) or of the whole network (under the agenda)."""

    summary = models.CharField(_("résumé"), max_length=200)
    body = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)
    start = models.DateTimeField(_("début"), db_index=True)
    end = models.DateTimeField(_("fin"), db_index=True)
    all_day = models.BooleanField(_("toute la journée"), default=False)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    category = models.CharField(
        _("catégorie"), max_length=20, choices=Category.choices, default=Category.WORKSHOP
    )
    accessibility = models.TextField(_("accessibilité"), blank=True, max_length=2000)
    registration_url = models.URLField(_("inscription en ligne"), blank=True)
    registration_phone = models.CharField(_("téléphone d'inscription"), max_length=30, blank=True)
    registration_email = models.EmailField(_("courriel d'inscription"), blank=True)
    mode = models.CharField(
        _("modalité"), max_length=20, choices=Mode.choices, default=Mode.IN_PERSON
    )
    place = models.ForeignKey(
        "structures.LieuPage",
        verbose_name=_("espace numérique du réseau"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(
        _("autre adresse"),
        max_length=255,
        blank=True,
        help_text=_("Si l'événement n'a pas lieu dans un espace du réseau."),
    )
    online_url = models.URLField(_("lien pour participer en ligne"), blank=True)
    recurrence = models.CharField(
        _("récurrence (RRULE)"),
        max_length=500,
        blank=True,
        help_text=_(
            "Règle au format RFC 5545, par exemple « FREQ=WEEKLY;BYDAY=FR » pour chaque "
            "vendredi, « FREQ=MONTHLY;BYDAY=1MO » pour le premier lundi du mois ; ajoutez "
            "« ;UNTIL=20270630 » ou « ;COUNT=10 » pour s'arrêter. Vide : une seule date."
        ),
    )
    exceptions = models.TextField(
        _("dates supprimées"),
        blank=True,
        max_length=5000,
        validators=[validate_exceptions],
        help_text=_("Une date par ligne (JJ/MM/AAAA) : la séance de ce jour-là n'a pas lieu."),
    )
    tags = ClusterTaggableManager(through=EventTag, blank=True, verbose_name=_("mots-clés"))

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("all_day"),
                FieldPanel("recurrence"),
                FieldPanel("exceptions"),
                InlinePanel("overrides", label=_("Séance modifiée")),
            ],
            heading=_("Quand"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("mode"),
                FieldPanel("place"),
                FieldPanel("address"),
                FieldPanel("online_url"),
            ],
            heading=_("Où"),
        ),
        FieldRowPanel([FieldPanel("status"), FieldPanel("category")]),
        FieldPanel("publics"),
        FieldPanel("tags"),
        FieldPanel("body"),
        FieldPanel("accessibility"),
        MultiFieldPanel(
            [
                FieldPanel("registration_url"),
                FieldPanel("registration_phone"),
                FieldPanel("registration_email"),
            ],
            heading=_("Inscription"),
        ),
    ]
    # The recurrence is edited with plain French controls, not as a raw RRULE.
    base_form_class = with_recurrence(terms_form("EventPageForm", EVENT_VOCABULARIES))
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("start"),
        index.FilterField("category"),
    ]

    parent_page_types = ["structures.StructurePage", "agenda.AgendaPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="agenda_event_end_after_start"
            )
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("La fin doit venir après le début.")
        if self.start and self.start.year < 2000:
            errors["start"] = _("Cette date est trop ancienne pour l'agenda.")
        if self.recurrence:
            try:
                validate_rrule(self.recurrence, start=self.start or timezone.now())
            except ValidationError as error:
                errors["recurrence"] = error.messages
        if self.mode in (Mode.ONLINE, Mode.BOTH) and not self.online_url:
            errors["online_url"] = _("Indiquez le lien pour participer en ligne.")
        if errors:
            raise ValidationError(errors)

    def get_listing_summary(self) -> str:
        return self.listing_summary or self.summary

    @property
    def excluded_days(self):
        return parse_exceptions(self.exceptions)

    @property
    def recurrence_text(self) -> str:
        return describe(self.recurrence)

    @property
    def publics_list(self):
        return self.terms_of(Vocabulary.PUBLICS)

    @property
    def is_cancelled(self) -> bool:
        return self.status == Status.CANCELLED

    def cache_expires_at(self, now):
        """A cached event page turns when one of its sessions starts or ends (website.page_cache)."""
        return next_occurrence_change(self.occurrences.all(), now)

    @path("")
    def detail(self, request):
        from agenda import views

        return views.event_detail(self, request)

    @path("ics/", name="ics")
    def ics(self, request):
        from agenda import views

        return views.event_ics(self, request)

    def ics_url(self) -> str:
        return self.url + self.reverse_subpage("ics")

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: each event's next session (one query for all), or that it is over."""
        next_starts = dict(
            Occurrence.objects.filter(event__in=pages, end__gte=now, cancelled=False)
            .order_by()
            .values("event")
            .annotate(next_start=models.Min("start"))
            .values_list("event", "next_start")
        )
        facts = {}
        for page in pages:
            if page.is_cancelled:
                facts[page.pk] = _("Annulé")
            elif page.pk in next_starts and next_starts[page.pk] <= now:
                facts[page.pk] = _("En cours")
            elif page.pk in next_starts:
                start = timezone.localtime(next_starts[page.pk])
                pattern = "l j F Y" if page.all_day else r"l j F Y \à G \h i"
                facts[page.pk] = _("Prochaine date : %(when)s") % {
                    "when": date_format(start, pattern).replace(" h 00", " h")
                }
            else:
                facts[page.pk] = _("Événement passé")
        return facts


class OccurrenceOverride(Orderable):
    """One session of a series changed: moved to other times, or cancelled."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="overrides")
    original_date = models.DateField(_("date de la séance d'origine"))
    start = models.DateTimeField(_("nouveau début"), null=True, blank=True)
    end = models.DateTimeField(_("nouvelle fin"), null=True, blank=True)
    cancelled = models.BooleanField(_("annulée"), default=False)

    panels = [
        FieldPanel("original_date"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("cancelled"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("séance modifiée")
        verbose_name_plural = _("séances modifiées")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="agenda_override_end_after_start",
            )
        ]

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("La fin doit venir après le début.")})


class Occurrence(models.Model):
    """One dated session of an event, so listings filter and sort rows in the database."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="occurrences")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(db_index=True)
    all_day = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    overridden = models.BooleanField(default=False)
    original_start = models.DateTimeField()

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["start", "end"], name="agenda_occurrence_span")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="agenda_occurrence_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.event_id} @ {self.start.isoformat()}"

    @property
    def day(self):
        return timezone.localtime(self.start).date()


def next_occurrence_change(occurrences, now):
    """The next start or end of a session among `occurrences`, None if none is to come.

    Listings keep a session until its end has passed (`end >= now`): a moment equal to now
    counts, so that a page rendered at that very moment is not kept.
    """
    moments = (
        occurrences.filter(**{f"{field}__gte": now})
        .order_by(field)
        .values_list(field, flat=True)
        .first()
        for field in ("start", "end")
    )
    return min(filter(None, moments), default=None)
