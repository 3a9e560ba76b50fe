""" "Mon espace": a person's structures, the region later apps fill, the password, and the
personal data (export, deletion) DESIGN.md promises."""

import datetime
import json

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from structures.factories import StructurePageFactory
from structures.models import Facilitator, Invitation, Membership, Role, StructureIndexPage
from structures.permissions import editors_group_name
from tests.clients import signed_in, text

PASSWORD = "un long mot de passe tranquille"
MY_SPACE = "/compte/mon-espace/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    with time_machine.travel("2026-03-02 10:20 +0100", tick=False):
        yield
    cache.clear()


@pytest.fixture
def structures(home):
    index = StructureIndexPage.objects.get()
    return (
        StructurePageFactory(parent=index, title="Régie Coup de Pouce"),
        StructurePageFactory(parent=index, title="CCAS"),
    )


@pytest.fixture
def camille(structures):
    user = get_user_model().objects.create_user(
        "camille@example.org",
        "camille@example.org",
        PASSWORD,
        first_name="Camille",
        last_name="Martin",
    )
    regie, ccas = structures
    Membership.objects.create(user=user, structure=regie, role=Role.EDITOR)
    Membership.objects.create(user=user, structure=ccas, role=Role.MEMBER)
    return user


def groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


# --- The page -------------------------------------------------------------------------------


def test_my_space_asks_visitors_to_sign_in_first(client, home):
    response = client.get(MY_SPACE)

    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/compte/mon-espace/"


def test_my_space_lists_the_persons_structures_with_their_role(camille, structures):
    page = text(signed_in(camille).get(MY_SPACE))

    assert "Mon espace" in page
    assert "Bonjour Camille Martin" in page
    assert "Régie Coup de Pouce" in page and "CCAS" in page
    assert "Éditeur ou éditrice, depuis le 2 mars 2026" in page
    assert "Membre, depuis le 2 mars 2026" in page


def test_an_editor_gets_links_to_edit_their_structure_and_its_members_in_the_admin(
    camille, structures
):
    regie, ccas = structures
    page = text(signed_in(camille).get(MY_SPACE))

    assert f'href="/admin/pages/{regie.pk}/edit/"' in page
    assert f'href="/admin/pages/{ccas.pk}/edit/"' not in page
    assert f"/admin/reseau/appartenances/?structure={regie.pk}" in page
    assert 'href="/admin/reseau/invitations/new/"' in page


def test_a_plain_member_gets_no_admin_links(structures):
    member = get_user_model().objects.create_user("membre", "membre@example.org", PASSWORD)
    Membership.objects.create(user=member, structure=structures[1], role=Role.MEMBER)

    page = text(signed_in(member).get(MY_SPACE))

    assert "CCAS" in page
    assert "/admin/" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_someone_without_a_structure_is_told_how_to_join_one(home):
    loner = get_user_model().objects.create_user("seul", "seul@example.org", PASSWORD)

    page = text(signed_in(loner).get(MY_SPACE))

    assert "Vous ne faites partie d'aucune structure pour l'instant" in page


def test_the_apps_fill_the_contributions_region_with_their_blocks(camille):
    page = text(signed_in(camille).get(MY_SPACE))

    # The agenda's block (agenda/my_space.py) replaces the region's empty state.
    assert '<h2 id="mes-evenements">Mes événements</h2>' in page
    assert 'href="/evenements/proposer/"' in page
    assert "apparaîtront ici" not in page


def test_my_space_links_to_password_export_and_deletion_and_is_never_cached(camille):
    response = signed_in(camille).get(MY_SPACE)

    for url in ("/compte/mon-espace/mot-de-passe/", "/compte/mon-espace/mes-donnees.json"):
        assert f'href="{url}"' in text(response)
    assert 'href="/compte/mon-espace/supprimer/"' in text(response)
    assert "no-store" in response["Cache-Control"]


def test_a_facilitator_is_told_so_and_may_invite(home):
    user = get_user_model().objects.create_user("nadia", "nadia@example.org", PASSWORD)
    Facilitator.objects.create(user=user)

    page = text(signed_in(user).get(MY_SPACE))

    assert "Vous faites partie de l'équipe d'animation du réseau." in page
    assert "Inviter une personne" in page


# --- Password -------------------------------------------------------------------------------


def test_changing_the_password_applies_the_validators_and_keeps_the_session(camille):
    client = signed_in(camille)
    url = reverse("account_password_change")

    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "court", "new_password2": "court"}
    )
    wrong = client.post(
        url,
        {"old_password": "pas le bon", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    new = "un autre mot de passe bien long"
    done = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})

    assert "Ce mot de passe est trop court" in text(weak)
    assert "ancien mot de passe est incorrect" in text(wrong)
    assert done.status_code == 302 and done["Location"] == MY_SPACE
    camille.refresh_from_db()
    assert camille.check_password(new)
    assert "Votre mot de passe a été changé." in text(client.get(MY_SPACE))


def test_the_password_form_refuses_oversized_input_and_is_rate_limited(camille):
    client = signed_in(camille)
    url = reverse("account_password_change")

    huge = client.post(url, {"old_password": "x" * 20_000})
    answers = [client.post(url, {"old_password": "pas le bon"}).status_code for _ in range(11)]

    assert huge.status_code == 413
    assert answers == [200] * 10 + [429]
    camille.refresh_from_db()
    assert camille.check_password(PASSWORD)


# --- Exporting my data ----------------------------------------------------------------------


def test_exporting_my_data_downloads_the_accounts_own_data_as_json(camille, structures):
    other = get_user_model().objects.create_user("autre", "autre@example.org", PASSWORD)
    Membership.objects.create(user=other, structure=structures[0], role=Role.MEMBER)
    Invitation.objects.create(
        email=camille.email,
        structure=structures[1],
        token_hash="0" * 64,
        expires_at="2026-03-09T10:20:00+01:00",
        accepted_at="2026-03-02T10:00:00+01:00",
        accepted_by=camille,
    )

    response = signed_in(camille).get(reverse("account_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="mes-donnees-relais-2026-03-02.json"'
    )
    data = json.loads(response.content)
    assert data["account"] == {
        "username": "camille@example.org",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille@example.org",
        "date_joined": "2026-03-02T10:20:00+01:00",
        "last_login": "2026-03-02T10:20:00+01:00",
    }
    mine = data["structures"]
    assert [(m["structure"], m["role"]) for m in mine["memberships"]] == [
        ("Régie Coup de Pouce", "editeur"),
        ("CCAS", "membre"),
    ]
    assert mine["memberships"][0]["since"] == "2026-03-02T10:20:00+01:00"
    assert mine["facilitator_since"] is None
    assert mine["invitations_accepted"] == [
        {
            "structure": "CCAS",
            "role": "membre",
            "sent_at": "2026-03-02T10:20:00+01:00",
            "accepted_at": "2026-03-02T10:00:00+01:00",
        }
    ]
    body = response.content.decode()
    assert "autre@example.org" not in body
    assert "password" not in body and camille.password not in body
    assert "0" * 64 not in body


def test_exporting_needs_to_be_signed_in(client, home):
    assert client.get(reverse("account_export")).status_code == 302


# --- Deleting my account --------------------------------------------------------------------


def test_deleting_my_account_needs_my_password(camille):
    client = signed_in(camille)

    page = client.get(reverse("account_delete"))
    response = client.post(reverse("account_delete"), {"password": "pas le bon"})

    assert "Supprimer définitivement mon compte" in text(page)
    assert response.status_code == 200
    assert "Ce mot de passe n'est pas le bon." in text(response)
    assert get_user_model().objects.filter(pk=camille.pk).exists()


def test_deleting_my_account_removes_memberships_rights_and_invitations_and_signs_me_out(
    camille, structures
):
    Facilitator.objects.create(user=camille)
    assert editors_group_name(structures[0]) in groups(camille)
    for accepted_by, hash_digit in ((camille, "1"), (None, "2")):
        Invitation.objects.create(
            email="Camille@example.org",
            structure=structures[1],
            token_hash=hash_digit * 64,
            expires_at="2026-03-09T10:20:00+01:00",
            accepted_by=accepted_by,
        )
    client = signed_in(camille)

    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_deleted")
    assert "Votre compte est supprimé" in text(client.get(response["Location"]))
    assert not get_user_model().objects.filter(pk=camille.pk).exists()
    assert not Membership.objects.filter(user_id=camille.pk).exists()
    assert not Facilitator.objects.filter(user_id=camille.pk).exists()
    assert not Invitation.objects.exists()
    assert "_auth_user_id" not in client.session
    assert client.get(MY_SPACE).status_code == 302


def test_an_administrator_account_cannot_be_deleted_from_my_space(home):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    client = signed_in(admin)

    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert "Un compte d'administration ne peut pas être supprimé ici" in text(response)
    assert get_user_model().objects.filter(pk=admin.pk).exists()


def test_the_delete_form_refuses_oversized_input_and_is_rate_limited(camille):
    client = signed_in(camille)
    url = reverse("account_delete")

    huge = client.post(url, {"password": "x" * 20_000})
    answers = [client.post(url, {"password": "pas le bon"}).status_code for _ in range(11)]

    assert huge.status_code == 413
    assert answers == [200] * 10 + [429]
    assert get_user_model().objects.filter(pk=camille.pk).exists()


def test_deleting_needs_to_be_signed_in(client, home):
    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


@time_machine.travel(datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
def test_an_editor_is_told_in_mon_espace_when_their_structure_needs_checking(
    client, home, django_user_model
):
    from structures.factories import StructurePageFactory
    from structures.models import Membership, Role, StructureIndexPage

    structure = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Régie", last_verified=None
    )
    editor = django_user_model.objects.create_user(
        username="editrice@example.org", password="x" * 14
    )
    Membership.objects.create(user=editor, structure=structure, role=Role.EDITOR)
    client.force_login(editor)
    page = client.get("/compte/mon-espace/").content.decode().replace("’", "'")
    assert "n'ont jamais été vérifiées : relisez-les" in page
    assert "six mois" not in page

    structure.last_verified = datetime.date(2026, 3, 2)
    structure.save()
    page = client.get("/compte/mon-espace/").content.decode().replace("’", "'")
    assert "n'ont pas été vérifiées depuis le 2 mars 2026, il y a plus de six mois" in page
