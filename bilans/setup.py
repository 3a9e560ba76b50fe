from bilans.models import BilanIndexPage
from website.permissions import FULL_PAGE_PERMISSIONS
from website.setup import FACILITATORS, ensure_child, ensure_group, grant_page_permissions


def setup(*, home) -> None:
    bilans = ensure_child(home, BilanIndexPage, title="Bilans", slug="bilans", show_in_menus=True)
    grant_page_permissions(ensure_group(FACILITATORS), bilans, FULL_PAGE_PERMISSIONS)
