"""The "dernière vérification" of a structure's referral facts, as its editors are told of it.

A referral list is useful only when current: a structure never verified, or not for six months
(``verification_is_stale``), is pointed out to its editors in the admin, on its own edit page
and on its places' (see ``wagtail_hooks``), and in Mon espace.
"""

from datetime import date

from django.utils.translation import gettext as _

from wagtail.models import Page

from structures.models import LieuPage, StructurePage
from structures.opening_hours import format_date


def verification_warning(structure: StructurePage, today: date | None = None) -> str:
    """The French sentence for the structure's editors, or "" while its facts are current."""
    if structure.last_verified is None:
        return _(
            "Les informations d’orientation de « %(title)s » n’ont jamais été vérifiées : "
            "relisez-les puis indiquez leur date de dernière vérification dans la page de la "
            "structure."
        ) % {"title": structure.title}
    if not structure.needs_verification(today):
        return ""
    return _(
        "Les informations d’orientation de « %(title)s » n’ont pas été vérifiées depuis le "
        "%(date)s, il y a plus de six mois : relisez-les puis mettez à jour leur date de "
        "dernière vérification dans la page de la structure."
    ) % {"title": structure.title, "date": format_date(structure.last_verified)}


def structure_to_verify(page: Page) -> StructurePage | None:
    """The structure whose verification an edit of this page concerns: itself, or a place's."""
    if isinstance(page, StructurePage):
        return page
    if isinstance(page, LieuPage):
        return (
            StructurePage.objects.ancestor_of(page)
            .only("title", "last_verified", "path", "depth")
            .first()
        )
    return None
