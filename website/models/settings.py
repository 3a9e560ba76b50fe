import copy

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

from website.page_cache import memoize


@register_setting(icon="site")
class NetworkSettings(BaseSiteSetting):
    """Who the network is and how to reach it: shown in the header, footer and feeds."""

    network_name = models.CharField(_("nom du réseau"), max_length=80, default="Relais")
    tagline = models.CharField(
        _("accroche"),
        max_length=160,
        blank=True,
        default="Le réseau local de l'inclusion numérique",
    )
    logo = models.ForeignKey(
        "website.RelaisImage",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    postal_address = models.TextField(_("adresse postale"), blank=True, max_length=300)
    footer_text = models.TextField(_("texte du pied de page"), blank=True, max_length=500)

    panels = [
        MultiFieldPanel(
            [FieldPanel("network_name"), FieldPanel("tagline"), FieldPanel("logo")],
            heading=_("Identité"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("postal_address"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = _("réglages du réseau")

    @classmethod
    def for_request(cls, request):
        """The site's settings, read once per process until the next content change: every
        page shows them (header, footer), and a query each time adds up."""
        attribute = cls.get_cache_attr_name()
        if hasattr(request, attribute):
            return getattr(request, attribute)
        site = Site.find_for_request(request)
        shared = memoize(
            request, f"network-settings:{site.pk if site else ''}", lambda: cls._read(site)
        )
        # A copy per request: Wagtail keeps the request on the instance to build page URLs.
        found = copy.copy(shared)
        found._request = request
        setattr(request, attribute, found)
        return found

    @classmethod
    def _read(cls, site):
        found = cls.for_site(site)
        found.logo  # noqa: B018 - fetched once here, not by every page that shows it
        return found
