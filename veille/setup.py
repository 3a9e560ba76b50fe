from veille.models import VeilleIndexPage
from website.permissions import FULL_PAGE_PERMISSIONS
from website.setup import FACILITATORS, ensure_child, ensure_group, grant_page_permissions


def setup(*, home) -> None:
    veille = ensure_child(
        home, VeilleIndexPage, title="Veille financements", slug="veille", show_in_menus=True
    )
    grant_page_permissions(ensure_group(FACILITATORS), veille, FULL_PAGE_PERMISSIONS)
