from agenda.models import AgendaPage
from agenda.moderation import event_workflow
from website.permissions import FULL_PAGE_PERMISSIONS
from website.setup import FACILITATORS, ensure_child, ensure_group, grant_page_permissions


def setup(*, home) -> None:
    agenda = ensure_child(home, AgendaPage, title="Agenda", slug="agenda", show_in_menus=True)
    grant_page_permissions(ensure_group(FACILITATORS), agenda, FULL_PAGE_PERMISSIONS)
    event_workflow()
