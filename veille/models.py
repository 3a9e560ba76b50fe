from django.utils.translation import gettext_lazy as _

from website.models import IndexPage


class VeilleIndexPage(IndexPage):
    """ "Veille financements": calls for projects and their deadlines."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucun appel à projets pour l'instant.")

    class Meta:
        verbose_name = _("veille financements")
