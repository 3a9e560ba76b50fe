"""Page scaffolding every app builds on, and the site's own pages."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from website.blocks import StandardBodyBlock
from website.routing import ChainRoutingMixin

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class ListingMixin(models.Model):
    """What a page shows of itself on cards, in listings and in search results."""

    listing_summary = models.CharField(
        _("résumé pour les listes"),
        max_length=240,
        blank=True,
        help_text=_(
            "Une ou deux phrases ; à défaut, la description pour les moteurs de recherche."
        ),
    )

    listing_panels = [FieldPanel("listing_summary")]

    class Meta:
        abstract = True

    def get_listing_summary(self) -> str:
        return self.listing_summary or self.search_description


class SocialMixin(models.Model):
    """Open Graph image shared when a page is posted elsewhere."""

    social_image = models.ForeignKey(
        "website.RelaisImage",
        verbose_name=_("image de partage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    social_panels = [FieldPanel("social_image")]

    class Meta:
        abstract = True


class BasePage(ListingMixin, SocialMixin, Page):
    """The base of every Relais page: listing and sharing fields in the promote tab."""

    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [*ListingMixin.listing_panels, *SocialMixin.social_panels],
            heading=_("Listes et partage"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("listing_summary")]

    class Meta:
        abstract = True

    def get_meta_description(self) -> str:
        return self.search_description or self.listing_summary

    def get_view_restrictions(self):
        """Wagtail's rule (the page's and its ancestors' restrictions, an alias's from its
        source) in one query: the ancestors' tree paths are prefixes of this page's own."""
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        chain = Page.objects.filter(path__in=paths)
        return PageViewRestriction.objects.filter(
            Q(page__in=chain.filter(alias_of__isnull=True).values("pk"))
            | Q(page__in=chain.filter(alias_of__isnull=False).values("alias_of"))
        )


class IndexPage(BasePage):
    """A section's front page: an introduction, then what the section lists.

    Each app's index subclasses this and names its empty state, which is shown, honestly,
    for as long as the section has nothing to list.
    """

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    empty_message = _("Rien à afficher pour l'instant.")

    class Meta:
        abstract = True


class HomePage(ChainRoutingMixin, BasePage):
    """The network's front door; each section's block comes from its app's inclusion tag."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")
        verbose_name_plural = _("pages d'accueil")


class StandardPage(BasePage):
    """À propos, mentions légales, données personnelles, accessibilité…"""

    intro = models.TextField(_("chapeau"), blank=True, max_length=500)
    body = StreamField(StandardBodyBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["website.HomePage", "website.StandardPage"]

    class Meta:
        verbose_name = _("page simple")
        verbose_name_plural = _("pages simples")
