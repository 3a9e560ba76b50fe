from django.utils.translation import gettext_lazy as _

from website.models import IndexPage


class AgendaPage(IndexPage):
    """ "Agenda": every event of the network."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucun événement pour l'instant.")

    class Meta:
        verbose_name = _("agenda")
