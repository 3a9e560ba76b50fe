from bilans.models import BilanIndexPage, MethodIndexPage
from website.permissions import FULL_PAGE_PERMISSIONS
from website.setup import FACILITATORS, ensure_child, ensure_group, grant_page_permissions

# Facilitators edit every action in the admin too; members act through the front end only.
ACTION_PERMISSIONS = ["add_action", "change_action", "delete_action", "view_action"]


def setup(*, home) -> None:
    bilans = ensure_child(home, BilanIndexPage, title="Bilans", slug="bilans", show_in_menus=True)
    ensure_child(bilans, MethodIndexPage, title="Méthodes", slug="methodes")
    grant_page_permissions(
        ensure_group(FACILITATORS, codenames=ACTION_PERMISSIONS), bilans, FULL_PAGE_PERMISSIONS
    )
