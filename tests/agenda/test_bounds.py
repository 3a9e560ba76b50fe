"""The month, planning and print views show a bounded number of sessions and say so past it."""

import datetime

import pytest

from agenda import views
from agenda.factories import EventPageFactory


@pytest.mark.parametrize("view", ["mois/", "planning/", "imprimer/"])
def test_past_the_bound_a_view_shows_the_first_sessions_and_offers_the_filters(
    client, structure, frozen, monkeypatch, view
):
    monkeypatch.setattr(views, "SHOWN_LIMIT", 3)
    for hours in range(4):
        EventPageFactory(
            parent=structure,
            title=f"Atelier {hours}",
            start=frozen + datetime.timedelta(days=1, hours=hours),
        )
    page = client.get(f"/agenda/{view}").content.decode()
    assert "Seules les 3 premières séances sont affichées" in page
    assert all(title in page for title in ("Atelier 0", "Atelier 1", "Atelier 2"))
    assert "Atelier 3" not in page


def test_within_the_bound_every_session_is_shown_without_a_notice(client, structure, frozen):
    for hours in range(3):
        EventPageFactory(
            parent=structure,
            title=f"Atelier {hours}",
            start=frozen + datetime.timedelta(days=1, hours=hours),
        )
    page = client.get("/agenda/mois/").content.decode()
    assert "premières séances" not in page
    assert all(f"Atelier {hours}" in page for hours in range(3))
