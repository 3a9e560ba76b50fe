from ressources.models import RessourceIndexPage
from website.permissions import CONTRIBUTOR_PAGE_PERMISSIONS, FULL_PAGE_PERMISSIONS
from website.setup import (
    FACILITATORS,
    PARTICIPANTS,
    ensure_child,
    ensure_group,
    grant_page_permissions,
)


def setup(*, home) -> None:
    wiki = ensure_child(
        home, RessourceIndexPage, title="Ressources", slug="ressources", show_in_menus=True
    )
    grant_page_permissions(ensure_group(FACILITATORS), wiki, FULL_PAGE_PERMISSIONS)
    grant_page_permissions(ensure_group(PARTICIPANTS), wiki, CONTRIBUTOR_PAGE_PERMISSIONS)
