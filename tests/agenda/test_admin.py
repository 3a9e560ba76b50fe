"""Editing events in Wagtail's admin."""

import html

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage, EventPage


def test_the_admin_offers_an_event_form_under_a_structure_and_the_agenda(
    client, structure, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    for parent in (structure, AgendaPage.objects.get()):
        response = client.get(f"/admin/pages/add/agenda/eventpage/{parent.pk}/")
        assert response.status_code == 200
        body = html.unescape(response.content.decode())
        assert "Publics spécifiquement adressés" in body
        # The recurrence is edited with plain French controls, not as a raw RRULE.
        assert '<label for="id_recurrence_repeat">Répétition</label>' in body
        assert "chaque mois, le Nième jour" in body
        assert 'name="recurrence_days" value="FR"' in body
        assert "Fin de la répétition" in body
        assert 'name="recurrence"' not in body


def test_the_admin_edits_an_existing_event(client, structure, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    event = EventPageFactory(parent=structure)
    assert client.get(f"/admin/pages/{event.pk}/edit/").status_code == 200


def event_post(**recurrence) -> dict:
    """A new Friday-morning event, published, with these recurrence controls."""
    return {
        "title": "Permanence du vendredi",
        "slug": "permanence",
        "summary": "Aide aux démarches en ligne",
        "start": "2026-10-23 09:00",
        "end": "2026-10-23 12:00",
        "status": "programme",
        "category": "permanence",
        "mode": "sur_place",
        "overrides-TOTAL_FORMS": "0",
        "overrides-INITIAL_FORMS": "0",
        "overrides-MIN_NUM_FORMS": "0",
        "overrides-MAX_NUM_FORMS": "1000",
        "body-count": "0",
        "tags": "",
        "action-publish": "1",
        **{f"recurrence_{key}": value for key, value in recurrence.items()},
    }


def test_the_admin_saves_a_weekly_friday_rule_from_the_controls(
    client, structure, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    response = client.post(
        f"/admin/pages/add/agenda/eventpage/{structure.pk}/",
        event_post(repeat="weekly", days=["FR"], end="never"),
    )
    assert response.status_code == 302
    event = EventPage.objects.get(slug="permanence")
    assert event.live
    assert event.recurrence == "FREQ=WEEKLY;BYDAY=FR"
    assert event.recurrence_text == "chaque vendredi"
    assert event.occurrences.count() > 70  # every Friday up to the eighteen-month horizon
    edit = html.unescape(client.get(f"/admin/pages/{event.pk}/edit/").content.decode())
    assert '<option value="weekly" selected>chaque semaine</option>' in edit
    assert 'value="FR" checked' in edit


def test_the_admin_refuses_an_end_before_the_start_in_french(client, structure, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    response = client.post(
        f"/admin/pages/add/agenda/eventpage/{structure.pk}/",
        event_post(repeat="weekly", days=["FR"], end="until", until="2026-09-01"),
    )
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "La répétition doit finir après le début de l'événement (le 23/10/2026)." in body
    assert 'value="2026-09-01"' in body  # the controls come back as they were posted
    assert not EventPage.objects.filter(slug="permanence").exists()


def test_the_admin_keeps_a_rule_its_controls_cannot_show(client, structure, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    rule = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    event = EventPageFactory(parent=structure, recurrence=rule)
    edit = html.unescape(client.get(f"/admin/pages/{event.pk}/edit/").content.decode())
    assert "Règle actuelle" in edit
    assert f'name="recurrence_kept" value="{rule}"' in edit
