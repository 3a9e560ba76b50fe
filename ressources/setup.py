from ressources.models import RessourceIndexPage
from website.permissions import CONTRIBUTOR_PAGE_PERMISSIONS, FULL_PAGE_PERMISSIONS
from website.setup import (
    FACILITATORS,
    PARTICIPANTS,
    ensure_child,
    ensure_group,
    grant_page_permissions,
)

# Facilitators keep the list of themes (the wiki's structure); participants choose among them.
THEME_PERMISSIONS = ["add_theme", "change_theme", "delete_theme", "view_theme"]


def setup(*, home) -> None:
    wiki = ensure_child(
        home, RessourceIndexPage, title="Ressources", slug="ressources", show_in_menus=True
    )
    grant_page_permissions(
        ensure_group(FACILITATORS, codenames=THEME_PERMISSIONS), wiki, FULL_PAGE_PERMISSIONS
    )
    grant_page_permissions(ensure_group(PARTICIPANTS), wiki, CONTRIBUTOR_PAGE_PERMISSIONS)
