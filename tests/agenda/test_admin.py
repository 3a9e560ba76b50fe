"""Editing events in Wagtail's admin."""

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage


def test_the_admin_offers_an_event_form_under_a_structure_and_the_agenda(
    client, structure, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    for parent in (structure, AgendaPage.objects.get()):
        response = client.get(f"/admin/pages/add/agenda/eventpage/{parent.pk}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "FREQ=WEEKLY;BYDAY=FR" in body
        assert "Publics spécifiquement adressés" in body


def test_the_admin_edits_an_existing_event(client, structure, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    event = EventPageFactory(parent=structure)
    assert client.get(f"/admin/pages/{event.pk}/edit/").status_code == 200
