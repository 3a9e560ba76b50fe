from django.utils.translation import gettext_lazy as _

from website.models import IndexPage


class BilanIndexPage(IndexPage):
    """ "Bilans": review days and the method library."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucun bilan pour l'instant.")

    class Meta:
        verbose_name = _("liste des bilans")
