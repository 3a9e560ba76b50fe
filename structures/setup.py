from structures.models import LieuIndexPage, NewsIndexPage, StructureIndexPage
from structures.models.terms import sync_terms
from structures.permissions import sync_all
from website.setup import ensure_child


def setup(*, home) -> None:
    sync_terms()
    ensure_child(
        home,
        LieuIndexPage,
        title="Trouver un espace numérique",
        slug="espaces-numeriques",
        show_in_menus=True,
    )
    ensure_child(
        home, StructureIndexPage, title="Structures", slug="structures", show_in_menus=True
    )
    ensure_child(home, NewsIndexPage, title="Actualités", slug="actualites", show_in_menus=True)
    sync_all()
