"""Members record where their structure stands on a call, from the call's page; the network's
accounts see who works on what and what was obtained; bad or hostile input is refused in French
and nothing is half-saved."""

import pytest

from structures.factories import StructurePageFactory
from structures.models import Membership, Role, StructureIndexPage
from tests.clients import signed_in, text
from veille.models import Interest, InterestStatus
from website.factories import UserFactory

from .conftest import call, days


@pytest.fixture
def appel(veille):
    return call(veille, "Appel régional numérique", deadline=days(40))


@pytest.fixture
def member(structure):
    person = UserFactory(username="membre")
    Membership.objects.create(user=person, structure=structure, role=Role.MEMBER)
    return person


def test_a_member_records_then_updates_their_structure_interest(appel, structure, member):
    client = signed_in(member)
    html = text(client.get(appel.url))
    assert "Qui travaille sur cet appel" in html
    assert "Aucune structure du réseau ne s'est encore signalée." in html
    response = client.post(
        appel.interest_url(), {"structure": structure.pk, "status": "en-preparation"}
    )
    assert response.status_code == 302
    interest = Interest.objects.get(call=appel, structure=structure)
    assert interest.status == InterestStatus.PREPARING and interest.updated_by == member
    client.post(
        appel.interest_url(),
        {"structure": structure.pk, "status": "obtenue", "note": "12 000 € sur deux ans"},
    )
    assert Interest.objects.get(call=appel, structure=structure).status == "obtenue"
    html = text(client.get(appel.url))
    assert "CLEF Chantemerle</a> : <strong>Obtenue</strong> — 12 000 € sur deux ans" in html
    assert Interest.objects.count() == 1


def test_a_member_stops_following_a_call(appel, structure, member):
    Interest.objects.create(call=appel, structure=structure)
    signed_in(member).post(appel.interest_url(), {"structure": structure.pk, "status": "retirer"})
    assert not Interest.objects.exists()


def test_another_structure_is_refused_with_a_french_message(appel, structure, member):
    other = StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Autre")
    response = signed_in(member).post(
        appel.interest_url(), {"structure": other.pk, "status": "interessee"}
    )
    assert response.status_code == 400
    assert "Vous ne pouvez pas indiquer l'intérêt de cette structure." in text(response)
    assert not Interest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"structure": "", "status": "obtenue"},
        {"structure": "abc", "status": "obtenue"},
        {"structure": "9999999999999999999999", "status": "obtenue"},
        {"status": "millionnaire"},
        {"status": "obtenue", "note": "x" * 301},
    ],
)
def test_bad_input_is_refused_in_french_and_keeps_what_was_typed(appel, structure, member, data):
    data = {"structure": structure.pk} | data if "structure" not in data else data
    response = signed_in(member).post(appel.interest_url(), data)
    assert response.status_code == 400
    html = text(response)
    assert "Le formulaire contient des erreurs" in html
    assert not Interest.objects.exists()
    if "note" in data:
        assert "x" * 301 in html


def test_an_oversized_post_is_refused_before_the_form(appel, structure, member):
    response = signed_in(member).post(
        appel.interest_url(), {"structure": structure.pk, "status": "obtenue", "note": "x" * 20_000}
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)


def test_visitors_neither_see_nor_record_interests(client, appel, structure):
    Interest.objects.create(call=appel, structure=structure, status="obtenue")
    html = text(client.get(appel.url))
    assert "Qui travaille sur cet appel" not in html and "Obtenue" not in html
    response = client.post(appel.interest_url(), {"structure": structure.pk, "status": "obtenue"})
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert client.get(appel.interest_url()).status_code == 405


def test_my_space_lists_my_structures_interests(appel, structure, member):
    Interest.objects.create(call=appel, structure=structure, status="deposee")
    html = text(signed_in(member).get("/compte/mon-espace/"))
    assert "Appels suivis par mes structures" in html
    assert (
        "Appel régional numérique</a> — CLEF Chantemerle : <strong>Dossier déposé</strong>" in html
    )
