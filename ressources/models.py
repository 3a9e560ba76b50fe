from django.utils.translation import gettext_lazy as _

from website.models import IndexPage


class RessourceIndexPage(IndexPage):
    """ "Ressources": the home of the shared wiki."""

    parent_page_types = ["website.HomePage"]
    max_count = 1
    empty_message = _("Aucune ressource pour l'instant.")

    class Meta:
        verbose_name = _("accueil des ressources")
