from django.contrib.auth.models import Permission

from veille.models import DEFAULT_THEMES, Theme, VeilleIndexPage
from website.permissions import FULL_PAGE_PERMISSIONS
from website.setup import FACILITATORS, ensure_child, ensure_group, grant_page_permissions

# Facilitators keep the funders and the themes; the structures' editors choose among them.
SNIPPET_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("funder", "theme")
    for action in ("add", "change", "delete", "view")
]


def setup(*, home) -> None:
    veille = ensure_child(
        home, VeilleIndexPage, title="Veille financements", slug="veille", show_in_menus=True
    )
    facilitators = ensure_group(FACILITATORS)
    # By app label: the wiki has a Theme model of its own, with the same codenames.
    facilitators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="veille", codename__in=SNIPPET_PERMISSIONS
        )
    )
    grant_page_permissions(facilitators, veille, FULL_PAGE_PERMISSIONS)
    for name in DEFAULT_THEMES:
        if not Theme.objects.filter(name=name).exists():
            Theme.objects.create(name=name)
