"""The wiki: its home, its resources (nestable) and their themes."""

from datetime import timedelta

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from ressources.blocks import RessourceBodyBlock
from website.models import BasePage, IndexPage


class RessourceIndexPage(RoutablePageMixin, IndexPage):
    """ "Ressources": the home of the shared wiki."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["ressources.RessourcePage"]
    max_count = 1
    empty_message = _("Aucune ressource pour l'instant.")
    per_page = 20

    class Meta:
        verbose_name = _("accueil des ressources")

    def get_context(self, request, *args, **kwargs):
        from ressources.views import wiki_home_context  # views read selectors, which import this

        return super().get_context(request, *args, **kwargs) | wiki_home_context(self, request)

    def cache_expires_at(self, now):
        """ "Most discussed" counts the comments of the last days: a cached wiki home turns when
        the oldest one counted leaves that window (website.page_cache)."""
        from ressources.discussion_selectors import MOST_DISCUSSED_DAYS
        from ressources.models.discussion import Comment

        window = timedelta(days=MOST_DISCUSSED_DAYS)
        oldest = (
            Comment.objects.filter(created_at__gte=now - window)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        return oldest + window if oldest else None

    def search_empty_state_pages(self, limit: int = 5):
        """Site search, when nothing is found: the resources the most structures used."""
        from ressources.selectors import published_ressources

        return (
            published_ressources()
            .annotate(users=models.Count("used_by"))
            .order_by("-users", "-last_published_at", "-pk")[:limit]
        )

    # The routes hand over to the modules that own each part of the wiki (imported late: they
    # read selectors, which import these models).
    @path("modifications/")
    def recent_changes(self, request):
        from ressources.following import recent_changes

        return recent_changes(request, self)

    @path("modifications/atom.xml")
    def recent_changes_feed(self, request):
        from ressources.following import recent_changes_feed

        return recent_changes_feed(request, self)


class Theme(models.Model):
    """A theme of the wiki. Rows rather than a fixed list: facilitators add one without a
    release, and a resource's themes are filtered by a plain join."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True, blank=True)

    panels = [FieldPanel("name")]

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)[:80]
        super().save(*args, **kwargs)


class Kind(models.TextChoices):
    HOW_TO = "fiche", _("Fiche pratique")
    GUIDE = "guide", _("Guide")
    TOOL = "outil", _("Outil")
    TRAINING = "formation", _("Support de formation")
    EXPERIENCE = "retour", _("Retour d'expérience")
    TEMPLATE = "modele", _("Modèle de document")
    LINK = "lien", _("Lien utile")


class Audience(models.TextChoices):
    PROFESSIONALS = "professionnels", _("Professionnels")
    VOLUNTEERS = "benevoles", _("Bénévoles")
    RESIDENTS = "habitants", _("Habitants")


class Licence(models.TextChoices):
    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons BY-SA 4.0 (partage dans les mêmes conditions)")
    CC_BY = "cc-by-4.0", _("Creative Commons BY 4.0 (attribution)")
    ETALAB = "etalab-2.0", _("Licence Ouverte Etalab 2.0")
    RESERVED = "reserve", _("Tous droits réservés (demander l'accord de l'auteur)")


class AudienceField(models.CharField):
    """Several audiences in one short column ("professionnels,habitants"): three fixed values
    need no table, and a `contains` lookup filters them on SQLite and PostgreSQL alike."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return [code for code in (value or "").split(",") if code]

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [code for code in (value or "").split(",") if code]

    def get_prep_value(self, value):
        if isinstance(value, str):
            return value
        return ",".join(code for code in Audience.values if code in (value or []))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        unknown = set(value or []) - set(Audience.values)
        if unknown:
            raise forms.ValidationError(_("Public inconnu."))
        if not self.blank and not value:
            raise forms.ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=Audience.choices,
            required=not self.blank,
            label=self.verbose_name,
            widget=forms.CheckboxSelectMultiple,
        )

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs


class RessourceTag(TaggedItemBase):
    content_object = ParentalKey(
        "ressources.RessourcePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class BilansLink(Orderable):
    """A page of the bilans app chosen on a resource (a method, a review day).

    Chosen as a Wagtail page of a named type, never imported: the wiki and the bilans are two
    domain apps that do not import each other (as bilans' actions name the pages carrying them).
    """

    target_type = ""  # "app_label.ModelName" of the pages this link may point to
    type_error = ""
    target = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    class Meta(Orderable.Meta):
        abstract = True

    def clean(self):
        super().clean()
        if not self.target_id:
            return
        content_type = self.target.content_type
        if f"{content_type.app_label}.{content_type.model}" != self.target_type.lower():
            raise ValidationError({"target": self.type_error})

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.panels = [PageChooserPanel("target", page_type=cls.target_type)]


class RelatedMethod(BilansLink):
    target_type = "bilans.MethodPage"
    type_error = _("Choisissez une fiche de la bibliothèque des méthodes.")
    page = ParentalKey(
        "ressources.RessourcePage", on_delete=models.CASCADE, related_name="related_methods"
    )

    class Meta(BilansLink.Meta):
        verbose_name = _("méthode liée")
        verbose_name_plural = _("méthodes liées")


class RelatedBilan(BilansLink):
    page = ParentalKey(
        "ressources.RessourcePage", on_delete=models.CASCADE, related_name="related_bilans"
    )
    target_type = "bilans.BilanPage"
    type_error = _("Choisissez une journée bilan.")

    class Meta(BilansLink.Meta):
        verbose_name = _("journée bilan liée")
        verbose_name_plural = _("journées bilan liées")


class RessourcePage(RoutablePageMixin, BasePage):
    """A resource of the wiki, written and published by participants; it may have sub-pages."""

    summary = models.CharField(_("résumé"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.HOW_TO)
    audiences = AudienceField(_("pour qui"), blank=True)
    themes = ParentalManyToManyField(
        Theme, verbose_name=_("thèmes"), blank=True, related_name="ressources"
    )
    tags = ClusterTaggableManager(through=RessourceTag, blank=True, verbose_name=_("mots-clés"))
    body = StreamField(RessourceBodyBlock(), verbose_name=_("contenu"), blank=True)
    related_structures = ParentalManyToManyField(
        "structures.StructurePage",
        verbose_name=_("structures concernées"),
        blank=True,
        related_name="+",
    )
    used_by = ParentalManyToManyField(
        "structures.StructurePage",
        verbose_name=_("utilisée par"),
        blank=True,
        related_name="+",
        help_text=_("Les structures qui se sont servies de cette ressource."),
    )
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_SA
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("audiences"),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading=_("Classement"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                InlinePanel("related_methods", label=_("Méthode liée")),
                InlinePanel("related_bilans", label=_("Journée bilan liée")),
            ],
            heading=_("Méthodes et journées bilan"),
        ),
        MultiFieldPanel(
            [FieldPanel("related_structures"), FieldPanel("used_by"), FieldPanel("licence")],
            heading=_("Structures et licence"),
        ),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("kind"),
    ]

    parent_page_types = ["ressources.RessourceIndexPage", "ressources.RessourcePage"]
    subpage_types = ["ressources.RessourcePage"]

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")

    def get_listing_summary(self) -> str:
        return self.listing_summary or self.summary

    def get_context(self, request, *args, **kwargs):
        from ressources.views import ressource_context  # views read selectors, which import this

        return super().get_context(request, *args, **kwargs) | ressource_context(self, request)

    @path("historique/")
    def history(self, request):
        from ressources.history import history

        return history(request, self)

    @path("historique/<int:revision_id>/")
    def version(self, request, revision_id):
        from ressources.history import version

        return version(request, self, revision_id)

    @path("comparer/")
    def compare(self, request):
        from ressources.history import compare

        return compare(request, self)

    @path("commentaires/", name="comment")
    def comment(self, request):
        from ressources.discussion import post_comment

        return post_comment(request, self)

    @path("suivre/", name="follow")
    def follow(self, request):
        from ressources.following import follow_page

        return follow_page(request, self)

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]:
        """Site search: what kind of resource each one is."""
        return {page.pk: page.get_kind_display() for page in pages}

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels[code] for code in self.audiences if code in labels]
