from django.utils.translation import gettext_lazy as _

from website.models import IndexPage


class StructureIndexPage(IndexPage):
    """ "Structures": every partner structure of the network."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucune structure pour l'instant.")

    class Meta:
        verbose_name = _("liste des structures")


class LieuIndexPage(IndexPage):
    """ "Trouver un espace numérique": the directory of digital spaces."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucun espace numérique pour l'instant.")

    class Meta:
        verbose_name = _("annuaire des espaces numériques")


class NewsIndexPage(IndexPage):
    """ "Actualités": every structure's news, newest first."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucune actualité pour l'instant.")

    class Meta:
        verbose_name = _("liste des actualités")
