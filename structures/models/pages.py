"""Structures, their digital spaces (lieux) and their news, and the sections that list them."""

from datetime import date, timedelta
from urllib.parse import quote

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import prefetch_related_objects
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from structures.models.terms import Term, Vocabulary
from structures.opening_hours import format_date, table_context, validate_opening_hours
from structures.opening_hours import status as opening_status
from structures.validators import (
    lines,
    normalise_phone,
    phone_link,
    validate_email_lines,
    validate_phone,
    validate_postcode,
    validate_siret_or_rna,
    validate_url_lines,
)
from structures.widgets import OpeningHoursWidget
from website.blocks import BodyBlock
from website.feeds import conditional_feed
from website.models import BasePage, IndexPage
from website.models.pages import RICH_TEXT_FEATURES

VERIFICATION_MAX_AGE = timedelta(days=183)


def verification_is_stale(last_verified: date | None, today: date | None = None) -> bool:
    """A referral list is useful only when current: six months without a check is too long."""
    today = today or timezone.localdate()
    return last_verified is None or today - last_verified > VERIFICATION_MAX_AGE


class StructureIndexPage(IndexPage):
    """ "Structures": every partner structure of the network."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucune structure pour l'instant.")

    class Meta:
        verbose_name = _("liste des structures")


class LieuIndexPage(RoutablePageMixin, IndexPage):
    """ "Trouver un espace numérique": the directory of digital spaces."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucun espace numérique pour l'instant.")
    per_page = 20

    class Meta:
        verbose_name = _("annuaire des espaces numériques")

    def get_context(self, request, *args, **kwargs):
        from structures.directory import DirectoryForm, search_directory  # it imports these models

        context = super().get_context(request, *args, **kwargs)
        form = DirectoryForm(request.GET or None)
        now = timezone.now()
        results = search_directory(form.criteria(), now=now)
        shown = results.page(request.GET.get("page"), per_page=self.per_page, now=now)
        context.update(
            form=form,
            results=results,
            shown=shown,
            # The map shows the page's places: the page stays light on a phone.
            map_places=[marker for result in shown if (marker := result.marker(request))],
            tiles_url=settings.RELAIS_MAP_TILES_URL,
            exports=self.export_urls(request),
            nearby_url=self.nearby_url(request),
        )
        return context

    @path("")
    def directory(self, request):
        return self.render(request)

    @path("proches/", name="nearby")
    def nearby(self, request):
        """Every place matching the directory's filters, for "Trier autour de moi" in the browser.

        The request carries the filters only: the visitor's position stays in the browser.
        """
        from structures.directory import DirectoryForm, located_places  # it imports these models

        criteria = DirectoryForm(request.GET or None).criteria()
        return JsonResponse(located_places(criteria, now=timezone.now(), request=request))

    def nearby_url(self, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("nearby")

    @path("export/csv/", name="export_csv")
    def export_csv(self, request):
        return self._export("csv")

    @path("export/json/", name="export_json")
    def export_json(self, request):
        return self._export("json")

    def _export(self, fmt: str) -> StreamingHttpResponse:
        """Every published place in the national standard, streamed."""
        from structures import exchange  # it imports these models

        chunks = exchange.csv_chunks if fmt == "csv" else exchange.json_chunks
        response = StreamingHttpResponse(
            chunks(exchange.export_records()), content_type=exchange.CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{exchange.export_filename(fmt)}"'
        return response

    def export_urls(self, request=None) -> dict[str, str]:
        base = self.get_url(request)
        return {fmt: base + self.reverse_subpage(f"export_{fmt}") for fmt in ("csv", "json")}


class NewsIndexPage(RoutablePageMixin, IndexPage):
    """ "Actualités": every structure's news, newest first, and their RSS feed."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucune actualité pour l'instant.")
    per_page = 12

    class Meta:
        verbose_name = _("liste des actualités")

    @path("")
    def listing(self, request):
        from structures.selectors import published_news  # selectors import these models

        paginator = Paginator(published_news(), self.per_page)
        news = paginator.get_page(request.GET.get("page"))
        return self.render(request, context_overrides={"news": news})

    @path("rss/", name="rss")
    def rss(self, request):
        from structures.feeds import FEED_SIZE, NewsFeed  # feeds and selectors import these models
        from structures.selectors import news_feed_state

        version, last_modified = news_feed_state(FEED_SIZE)
        return conditional_feed(
            request,
            version=version,
            last_modified=last_modified,
            render=lambda: NewsFeed(self)(request),
        )

    def feed_url(self) -> str:
        return self.url + self.reverse_subpage("rss")


class TermField(forms.ModelMultipleChoiceField):
    """Checkboxes for one vocabulary of the standard."""

    def __init__(self, vocabulary: Vocabulary, **kwargs):
        super().__init__(
            queryset=Term.objects.filter(vocabulary=vocabulary),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=vocabulary.label,
            **kwargs,
        )


class TermsForm(WagtailAdminPageForm):
    """Edits the page's single `terms` relation as one checkbox list per vocabulary."""

    vocabulary_fields: dict[str, Vocabulary] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        selected = (
            list(self.instance.terms.all())
            if self.instance.pk or self.instance.terms.exists()
            else []
        )
        for name, vocabulary in self.vocabulary_fields.items():
            self.initial.setdefault(
                name, [term.pk for term in selected if term.vocabulary == vocabulary]
            )

    def save(self, commit=True):
        page = super().save(commit=False)
        page.terms = [
            term for name in self.vocabulary_fields for term in self.cleaned_data.get(name, [])
        ]
        if commit:
            page.save()
        return page


class LieuForm(TermsForm):
    def save(self, commit=True):
        # An edit by a person dates the record today, imported or not (the importer keeps the
        # date its file gave by saving without this form).
        page = super().save(commit=False)
        page.date_maj = timezone.localdate()
        if commit:
            page.save()
        return page


def terms_form(
    name: str, vocabulary_fields: dict[str, Vocabulary], base: type[TermsForm] = TermsForm
) -> type[TermsForm]:
    """A page form class with one declared TermField per vocabulary (panels need them declared)."""
    attributes = {field: TermField(vocabulary) for field, vocabulary in vocabulary_fields.items()}
    attributes["vocabulary_fields"] = vocabulary_fields
    return type(name, (base,), attributes)


class TermsMixin(models.Model):
    """A page described with the standard's vocabularies, through one relation to Term."""

    terms = ParentalManyToManyField("structures.Term", blank=True, related_name="+")

    class Meta:
        abstract = True

    def terms_of(self, vocabulary: Vocabulary) -> list[Term]:
        # Iterates the prefetched relation, so listings stay one query plus prefetches.
        return [term for term in self.terms.all() if term.vocabulary == vocabulary]

    def prefetch_terms(self) -> None:
        """One query for every vocabulary a page shows, instead of one per vocabulary."""
        prefetch_related_objects([self], "terms")


class ContactMixin(models.Model):
    adresse = models.CharField(_("adresse"), max_length=200, blank=True)
    complement_adresse = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    code_postal = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_postcode]
    )
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    telephone = models.CharField(
        _("téléphone"), max_length=20, blank=True, validators=[validate_phone]
    )
    courriel = models.EmailField(
        _("courriel"), blank=True, help_text=_("Une adresse générique, pas celle d'une personne.")
    )
    site_web = models.URLField(_("site web"), blank=True)

    address_panels = [
        FieldPanel("adresse"),
        FieldPanel("complement_adresse"),
        FieldRowPanel([FieldPanel("code_postal"), FieldPanel("commune")]),
    ]
    contact_panels = [FieldPanel("telephone"), FieldPanel("courriel"), FieldPanel("site_web")]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.telephone:
            self.telephone = normalise_phone(self.telephone)

    @property
    def telephone_link(self) -> str:
        return phone_link(self.telephone)

    @property
    def all_courriels(self) -> list[str]:
        return [self.courriel] if self.courriel else []

    @property
    def all_sites_web(self) -> list[str]:
        return [self.site_web] if self.site_web else []


class StructureTag(TaggedItemBase):
    content_object = ParentalKey(
        "structures.StructurePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


STRUCTURE_VOCABULARIES = {"typologies": Vocabulary.TYPOLOGIE}


class ReferralMode(models.TextChoices):
    APPOINTMENT = "rdv", _("Sur rendez-vous")
    WALK_IN = "libre", _("Sans rendez-vous")
    BOTH = "les-deux", _("Avec ou sans rendez-vous")


class StructurePage(TermsMixin, ContactMixin, BasePage):
    """A partner structure: who it is, what it does, and how to refer someone to it."""

    presentation = RichTextField(_("présentation"), blank=True, features=RICH_TEXT_FEATURES)
    logo = models.ForeignKey(
        "website.RelaisImage",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    siret_ou_rna = models.CharField(
        _("SIRET ou RNA"), max_length=14, blank=True, validators=[validate_siret_or_rna]
    )
    activites = models.TextField(_("ce que fait la structure"), blank=True, max_length=2000)
    publics = models.TextField(_("pour qui"), blank=True, max_length=1000)
    tags = ClusterTaggableManager(through=StructureTag, blank=True, verbose_name=_("mots-clés"))
    # The structure's own images and documents; created and granted by structures.permissions.
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    referral_needs = models.TextField(_("besoins pris en charge"), blank=True, max_length=2000)
    referral_how = models.TextField(
        _("comment orienter"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Par exemple : appeler avec la personne à côté de soi, envoyer un courriel de présentation…"
        ),
    )
    referral_documents = models.TextField(_("documents à apporter"), blank=True, max_length=1000)
    referral_mode = models.CharField(
        _("accueil"), max_length=10, choices=ReferralMode.choices, blank=True
    )
    last_verified = models.DateField(
        _("dernière vérification"),
        null=True,
        blank=True,
        help_text=_("La date à laquelle ces informations ont été vérifiées pour la dernière fois."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("typologies"),
        FieldPanel("logo"),
        FieldPanel("presentation"),
        FieldPanel("activites"),
        FieldPanel("publics"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [
                *ContactMixin.address_panels,
                *ContactMixin.contact_panels,
                FieldPanel("siret_ou_rna"),
            ],
            heading=_("Coordonnées"),
        ),
    ]
    referral_panels = [
        FieldPanel("referral_needs"),
        FieldPanel("referral_how"),
        FieldPanel("referral_documents"),
        FieldPanel("referral_mode"),
        FieldPanel("last_verified"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Structure")),
            ObjectList(referral_panels, heading=_("Orienter vers cette structure")),
            ObjectList(BasePage.promote_panels, heading=_("Promotion")),
            ObjectList(BasePage.settings_panels, heading=_("Paramètres")),
        ]
    )
    base_form_class = terms_form("StructurePageForm", STRUCTURE_VOCABULARIES)
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("presentation"),
        index.SearchField("activites"),
        index.SearchField("publics"),
        index.SearchField("referral_needs"),
        index.FilterField("commune"),
    ]

    parent_page_types = ["structures.StructureIndexPage"]

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        self.prefetch_terms()
        context["needs_verification"] = self.needs_verification()
        return context

    @property
    def typologies_list(self) -> list[Term]:
        return self.terms_of(Vocabulary.TYPOLOGIE)

    def needs_verification(self, today: date | None = None) -> bool:
        return verification_is_stale(self.last_verified, today)

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: where each structure is."""
        return {page.pk: page.commune for page in pages if page.commune}


LIEU_VOCABULARIES = {
    "typologies": Vocabulary.TYPOLOGIE,
    "services": Vocabulary.SERVICES,
    "publics_adresses": Vocabulary.PUBLICS,
    "prises_en_charge": Vocabulary.PRISE_EN_CHARGE,
    "frais": Vocabulary.FRAIS,
    "modalites_acces": Vocabulary.MODALITES_ACCES,
    "modalites_accompagnement": Vocabulary.MODALITES_ACCOMPAGNEMENT,
    "itinerance": Vocabulary.ITINERANCE,
    "dispositifs": Vocabulary.DISPOSITIFS,
    "formations_labels": Vocabulary.FORMATIONS,
    "equipements": Vocabulary.EQUIPEMENTS,
}


class LieuPage(RoutablePageMixin, TermsMixin, ContactMixin, BasePage):
    """A digital space, described with every field of the national standard, and more."""

    identifiant = models.CharField(
        _("identifiant du standard"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Rempli automatiquement ; conservé tel quel pour un lieu importé."),
    )
    pivot = models.CharField(
        _("SIRET ou RNA du lieu"), max_length=14, blank=True, validators=[validate_siret_or_rna]
    )
    code_insee = models.CharField(_("code INSEE"), max_length=5, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    horaires = models.CharField(
        _("horaires"),
        max_length=1000,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_(
            "Remplissez la grille de la semaine ; les fermetures exceptionnelles s'ajoutent en dessous."
        ),
    )
    presentation_resume = models.CharField(_("présentation courte"), max_length=280, blank=True)
    presentation_detail = models.TextField(_("présentation détaillée"), blank=True, max_length=5000)
    autres_formations_labels = models.CharField(
        _("autres formations et labels"), max_length=500, blank=True
    )
    fiche_acces_libre = models.URLField(_("fiche Acceslibre"), blank=True)
    prise_rdv = models.URLField(_("prise de rendez-vous en ligne"), blank=True)
    structure_parente = models.CharField(
        _("structure parente (standard)"), max_length=200, blank=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    date_maj = models.DateField(_("date de mise à jour"), null=True, blank=True)
    # The standard allows several addresses; the first goes in courriel / site_web.
    autres_courriels = models.TextField(
        _("autres courriels"),
        blank=True,
        max_length=2000,
        validators=[validate_email_lines],
        help_text=_("Une adresse par ligne."),
    )
    autres_sites_web = models.TextField(
        _("autres sites web"),
        blank=True,
        max_length=2000,
        validators=[validate_url_lines],
        help_text=_("Une adresse par ligne."),
    )
    langues = models.CharField(_("langues parlées"), max_length=200, blank=True)
    acces = models.TextField(
        _("comment venir"),
        blank=True,
        max_length=1000,
        help_text=_("Transports en commun, stationnement, étage…"),
    )
    photo = models.ForeignKey(
        "website.RelaisImage",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("presentation_resume"),
        FieldPanel("presentation_detail"),
        FieldPanel("photo"),
        FieldPanel("horaires", widget=OpeningHoursWidget),
        MultiFieldPanel(
            [
                *ContactMixin.address_panels,
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("acces"),
            ],
            heading=_("Adresse et accès"),
        ),
        MultiFieldPanel(
            [
                *ContactMixin.contact_panels,
                FieldPanel("autres_courriels"),
                FieldPanel("autres_sites_web"),
            ],
            heading=_("Contact"),
        ),
    ]
    offer_panels = [
        FieldPanel("services"),
        FieldPanel("publics_adresses"),
        FieldPanel("prises_en_charge"),
        FieldPanel("frais"),
        FieldPanel("modalites_acces"),
        FieldPanel("modalites_accompagnement"),
        FieldPanel("prise_rdv"),
        FieldPanel("equipements"),
        FieldPanel("langues"),
    ]
    standard_panels = [
        FieldPanel("typologies"),
        FieldPanel("itinerance"),
        FieldPanel("dispositifs"),
        FieldPanel("formations_labels"),
        FieldPanel("autres_formations_labels"),
        FieldPanel("fiche_acces_libre"),
        FieldPanel("pivot"),
        FieldPanel("code_insee"),
        FieldPanel("identifiant", read_only=True),
        FieldPanel("structure_parente", read_only=True),
        FieldPanel("source", read_only=True),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Lieu")),
            ObjectList(offer_panels, heading=_("Offre")),
            ObjectList(standard_panels, heading=_("Standard national")),
            ObjectList(BasePage.promote_panels, heading=_("Promotion")),
            ObjectList(BasePage.settings_panels, heading=_("Paramètres")),
        ]
    )
    base_form_class = terms_form("LieuPageForm", LIEU_VOCABULARIES, base=LieuForm)
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("presentation_resume"),
        index.SearchField("presentation_detail"),
        index.SearchField("commune"),
        index.AutocompleteField("commune"),
        index.FilterField("code_postal"),
        index.FilterField("commune"),
    ]

    parent_page_types = ["structures.StructurePage"]

    class Meta:
        verbose_name = _("espace numérique")
        verbose_name_plural = _("espaces numériques")

    def save(self, *args, **kwargs):
        # date_maj is the date of the last edit, except for an imported record, which keeps its own.
        if not self.source or self.date_maj is None:
            self.date_maj = timezone.localdate()
        super().save(*args, **kwargs)
        if not self.identifiant:
            type(self).objects.filter(pk=self.pk).update(identifiant=f"relais-lieu-{self.pk}")
            self.identifiant = f"relais-lieu-{self.pk}"

    @property
    def all_courriels(self) -> list[str]:
        return super().all_courriels + lines(self.autres_courriels)

    @property
    def all_sites_web(self) -> list[str]:
        return super().all_sites_web + lines(self.autres_sites_web)

    def directions_url(self) -> str:
        """A route to the place on OpenStreetMap, from where the visitor is."""
        if self.latitude is not None and self.longitude is not None:
            return f"https://www.openstreetmap.org/directions?to={self.latitude}%2C{self.longitude}"
        address = " ".join(part for part in (self.adresse, self.code_postal, self.commune) if part)
        return f"https://www.openstreetmap.org/search?query={quote(address)}" if address else ""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        context["opening_status"] = opening_status(self.horaires, at=timezone.now())
        context["opening_table"] = table_context(self.horaires, week_of=today, today=today)
        self.prefetch_terms()
        context["offer"] = [
            (vocabulary.label, self.terms_of(vocabulary))
            for vocabulary in (
                Vocabulary.SERVICES,
                Vocabulary.PUBLICS,
                Vocabulary.PRISE_EN_CHARGE,
                Vocabulary.FRAIS,
                Vocabulary.MODALITES_ACCES,
                Vocabulary.MODALITES_ACCOMPAGNEMENT,
                Vocabulary.EQUIPEMENTS,
            )
        ]
        structure = self.get_parent().specific
        context["structure"] = structure
        context["referral_text"] = referral_text(
            self, structure=structure, rows=context["opening_table"]["rows"]
        )
        return context

    @path("")
    def place(self, request):
        return self.render(request)

    @path("fiche/", name="fiche")
    def fiche(self, request):
        """The fiche d'orientation: one printable page to hand to the person being referred."""
        return self.render(request, template="structures/lieu_fiche.html")

    def fiche_url(self) -> str:
        return self.url + self.reverse_subpage("fiche")

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: each place's commune and whether it is open now."""
        return {
            page.pk: " · ".join(
                filter(None, [page.commune, opening_status(page.horaires, at=now).label])
            )
            for page in pages
        }


def referral_text(lieu: "LieuPage", *, structure: StructurePage, rows) -> str:
    """A few lines to paste into an SMS or an email for the person being referred."""
    lines = [lieu.title]
    address = ", ".join(
        part for part in (lieu.adresse, f"{lieu.code_postal} {lieu.commune}".strip()) if part
    )
    if address:
        lines.append(address)
    opening = [f"{row.name} {', '.join(row.ranges)}" for row in rows if not row.closed]
    if opening:
        lines.append(_("Horaires : %(hours)s") % {"hours": " ; ".join(opening)})
    if lieu.telephone:
        lines.append(_("Tél. %(phone)s") % {"phone": lieu.telephone})
    if structure.referral_documents:
        lines.append(
            _("À apporter : %(documents)s")
            % {"documents": " ".join(structure.referral_documents.split())}
        )
    return "\n".join(lines)


class NewsPage(BasePage):
    """A structure's news item, listed network-wide in "Actualités"."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("chapeau"), max_length=500, blank=True)
    image = models.ForeignKey(
        "website.RelaisImage",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["structures.StructurePage"]

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: the date of each news item."""
        return {
            page.pk: _("Publiée le %(date)s") % {"date": format_date(page.date)} for page in pages
        }
