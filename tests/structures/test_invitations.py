"""Invitations: who may invite, the email and its link, accepting it (new or existing account),
the admin's "Réseau" menu and its permission matrix, and the moderation notifications."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry

from structures import invitations
from structures.factories import LieuPageFactory, NewsPageFactory, StructurePageFactory
from structures.models import (
    Facilitator,
    Invitation,
    Membership,
    Role,
    StructureIndexPage,
)
from structures.notifications import MODERATION_NOTIFIED, moderators_of, notify_moderators
from structures.permissions import editors_group_name
from tests.clients import signed_in, text
from tests.permissions import ROLES, attempt, build_network, client_for

PASSWORD = "un long mot de passe tranquille"
NOW = "2026-03-02 10:20 +0100"
LINK = re.compile(r"http://localhost/compte/invitation/([A-Za-z0-9_-]+)/")
INVITE = "invitations:add"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Empty counts (the cache outlives each test's transaction), and a clock stopped
    mid-window so that no rate-limit window ends in the middle of a test."""
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


@pytest.fixture
def structures(home):
    index = StructureIndexPage.objects.get()
    return (
        StructurePageFactory(parent=index, title="Régie Coup de Pouce"),
        StructurePageFactory(parent=index, title="CCAS"),
    )


def person(username, *, email="", **fields):
    return get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.org", password=PASSWORD, **fields
    )


@pytest.fixture
def facilitator(home):
    user = person("animatrice", first_name="Nadia", last_name="Benali")
    Facilitator.objects.create(user=user)
    return user


@pytest.fixture
def editor(structures):
    user = person("editeur", first_name="Paul")
    Membership.objects.create(user=user, structure=structures[0], role=Role.EDITOR)
    return user


def last_token() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


def accept_path(token: str) -> str:
    return reverse("invitation_accept", args=[token])


def invite(user, structure, email="camille@example.org", role=Role.MEMBER) -> str:
    """Invite through the service, as the admin view does; returns the link's token."""
    invitations.invite(email=email, structure=structure, role=role, invited_by=user)
    return last_token()


def new_account(**overrides):
    data = {
        "first_name": "Camille",
        "last_name": "Martin",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "site_web": "",
    }
    return data | overrides


# --- Inviting -------------------------------------------------------------------------------


def test_a_facilitator_invites_by_email_and_only_the_tokens_hash_is_stored(structures, facilitator):
    regie, _ccas = structures
    response = signed_in(facilitator).post(
        reverse(INVITE),
        {"email": " Camille@Example.org ", "structure": regie.pk, "role": Role.EDITOR},
    )

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == "Invitation à rejoindre Régie Coup de Pouce sur Relais"
    assert "Nadia Benali vous invite à rejoindre Régie Coup de Pouce" in message.body
    assert "« Éditeur ou éditrice »" in message.body
    assert "valable jusqu'au 9 mars 2026 à 10:20" in message.body
    token = last_token()
    invitation = Invitation.objects.get()
    assert invitation.email == "camille@example.org"
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())
    assert invitation.expires_at == timezone.now() + timedelta(days=7)
    assert invitation.invited_by == facilitator


def test_an_editor_invites_to_their_own_structure_and_to_no_other(structures, editor):
    regie, ccas = structures
    client = signed_in(editor)

    refused = client.post(
        reverse(INVITE), {"email": "a@example.org", "structure": ccas.pk, "role": Role.MEMBER}
    )
    accepted = client.post(
        reverse(INVITE), {"email": "b@example.org", "structure": regie.pk, "role": Role.EDITOR}
    )

    assert refused.status_code == 200
    assert "Sélectionnez un choix valide" in text(refused)
    assert accepted.status_code == 302
    assert list(Invitation.objects.values_list("email", "structure")) == [
        ("b@example.org", regie.pk)
    ]


def test_the_service_refuses_an_inviter_without_rights(structures):
    member = person("membre")
    Membership.objects.create(user=member, structure=structures[0], role=Role.MEMBER)

    with pytest.raises(invitations.PermissionDenied):
        invitations.invite(
            email="x@example.org", structure=structures[0], role=Role.MEMBER, invited_by=member
        )
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_reinviting_an_address_to_a_structure_replaces_the_pending_invitation(
    structures, facilitator
):
    first = invite(facilitator, structures[0])
    second = invite(facilitator, structures[0], email="CAMILLE@example.org", role=Role.EDITOR)
    invite(facilitator, structures[1])

    assert Invitation.objects.filter(structure=structures[0]).count() == 1
    assert Invitation.objects.get(structure=structures[0]).role == Role.EDITOR
    assert Client().get(accept_path(first)).status_code == 404
    assert Client().get(accept_path(second)).status_code == 200


def test_inviting_someone_already_in_the_structure_says_so(structures, facilitator, editor):
    response = signed_in(facilitator).post(
        reverse(INVITE),
        {"email": "EDITEUR@example.org", "structure": structures[0].pk, "role": Role.MEMBER},
    )

    assert response.status_code == 200
    assert "Cette personne fait déjà partie de cette structure" in text(response)
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Champ requis"),
        ("pas-une-adresse", "Saisissez une adresse de courriel valide"),
        ("camille@", "Saisissez une adresse de courriel valide"),
        ("a" * 140 + "@example.org", "trop longue"),
        ("x" * 5000 + "@example.org", "Saisissez une adresse de courriel valide"),
        ("o'brien@example.org", "ne peut pas servir d'identifiant"),
        ("<script>alert(1)</script>@example.org", "Saisissez une adresse de courriel valide"),
        ("camille@example.org\r\nBcc: tous@example.org", "Saisissez une adresse de courriel"),
    ],
)
def test_the_invite_form_refuses_bad_hostile_and_oversized_addresses(
    structures, facilitator, email, error
):
    response = signed_in(facilitator).post(
        reverse(INVITE), {"email": email, "structure": structures[0].pk, "role": Role.MEMBER}
    )

    assert response.status_code == 200
    assert error in text(response)
    assert "<script>alert" not in text(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data",
    [
        {"role": "admin"},
        {"role": ""},
        {"structure": "999999"},
        {"structure": "1 OR 1=1"},
        {"structure": ""},
    ],
)
def test_the_invite_form_refuses_unknown_roles_and_structures(structures, facilitator, data):
    form = {"email": "camille@example.org", "structure": structures[0].pk, "role": "membre"}
    response = signed_in(facilitator).post(reverse(INVITE), form | data)

    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_an_email_that_cannot_be_sent_keeps_no_invitation_and_tells_the_inviter(
    structures, facilitator, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    response = signed_in(facilitator).post(
        reverse(INVITE),
        {"email": "camille@example.org", "structure": structures[0].pk, "role": Role.MEMBER},
    )

    assert response.status_code == 200
    assert "Le courriel n'a pas pu être envoyé" in text(response)
    assert not Invitation.objects.exists()


# --- Accepting with a new account -----------------------------------------------------------


def test_the_invited_person_sets_a_name_and_password_and_gets_account_membership_and_rights(
    client, structures, facilitator
):
    token = invite(facilitator, structures[0], role=Role.EDITOR)

    form = client.get(accept_path(token))
    response = client.post(accept_path(token), new_account())

    assert form.status_code == 200
    assert "camille@example.org" in text(form)
    assert "no-store" in form["Cache-Control"]
    assert form["Referrer-Policy"] == "no-referrer"
    assert response.status_code == 302
    assert response["Location"] == reverse("my_space")
    user = get_user_model().objects.get(email="camille@example.org")
    assert (user.username, user.first_name, user.last_name) == (
        "camille@example.org",
        "Camille",
        "Martin",
    )
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.get(user=user).role == Role.EDITOR
    assert editors_group_name(structures[0]) in set(user.groups.values_list("name", flat=True))
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user
    assert invitation.accepted_at == timezone.now()
    assert "Bienvenue" in text(client.get(reverse("my_space")))


def test_the_new_account_signs_in_with_its_email_on_the_login_page(structures, facilitator):
    token = invite(facilitator, structures[0])
    Client().post(accept_path(token), new_account())

    client = Client(HTTP_HOST="localhost")
    response = client.post(
        reverse("account_login"), {"username": "camille@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_accepting_twice_does_not_duplicate_and_the_used_link_says_so(
    client, structures, facilitator
):
    token = invite(facilitator, structures[0])
    client.post(accept_path(token), new_account())

    again = Client().post(accept_path(token), new_account(first_name="Autre"))

    assert again.status_code == 410
    assert "Invitation déjà acceptée" in text(again)
    assert get_user_model().objects.filter(email="camille@example.org").count() == 1
    assert Membership.objects.filter(structure=structures[0]).count() == 1
    with pytest.raises(invitations.InvitationUnusable):
        invitations.accept_with_new_account(
            token=token, first_name="X", last_name="", password=PASSWORD
        )


def test_an_expired_link_shows_a_clear_french_page_and_creates_nothing(structures, facilitator):
    token = invite(facilitator, structures[0])

    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1), tick=False):
        page = Client().get(accept_path(token))
        posted = Client().post(accept_path(token), new_account())

    assert page.status_code == posted.status_code == 410
    assert "Invitation expirée" in text(page)
    assert "une invitation dure sept jours" in text(page)
    assert not get_user_model().objects.filter(email="camille@example.org").exists()


def test_a_link_is_still_valid_just_before_it_expires(structures, facilitator):
    token = invite(facilitator, structures[0])

    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=-1), tick=False):
        assert Client().get(accept_path(token)).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["abc", "A" * 43, "x" * 3000, "..", "%27%20OR%201%3D1%20--", "%3Cscript%3E"],
)
def test_an_unknown_or_malformed_link_shows_a_clear_french_page(home, token):
    response = Client().get(f"/compte/invitation/{token}/")

    assert response.status_code == 404
    assert "Lien d'invitation inconnu" in text(response)
    assert "Il n'est pas possible de créer un compte sans invitation" in text(response)
    assert "<form" not in text(response).split("<main", 1)[1]


def test_a_cancelled_invitations_link_is_unknown(structures, facilitator):
    token = invite(facilitator, structures[0])
    Invitation.objects.get().delete()

    assert Client().get(accept_path(token)).status_code == 404


def test_an_invitation_from_an_editor_who_lost_the_role_is_withdrawn(structures, editor):
    token = invite(editor, structures[0])
    Membership.objects.filter(user=editor).update(role=Role.MEMBER)

    response = Client().post(accept_path(token), new_account())

    assert response.status_code == 410
    assert "Invitation retirée" in text(response)
    assert not get_user_model().objects.filter(email="camille@example.org").exists()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"password1": "court", "password2": "court"}, "Ce mot de passe est trop court"),
        (
            {"password1": "123456789012", "password2": "123456789012"},
            "Ce mot de passe est entièrement numérique",
        ),
        (
            {"password1": "camille@example.org", "password2": "camille@example.org"},
            "Le mot de passe est trop semblable",
        ),
        ({"password2": "un autre long mot de passe"}, "ne sont pas identiques"),
        ({"first_name": ""}, "Champ requis"),
        ({"first_name": "C" * 151}, "au plus 150 caractères"),
        ({"password1": "p" * 5000, "password2": "p" * 5000}, "au plus 4096 caractères"),
    ],
)
def test_the_accept_form_applies_the_password_validators_and_refuses_bad_input(
    client, structures, facilitator, overrides, error
):
    token = invite(facilitator, structures[0])

    response = client.post(accept_path(token), new_account(**overrides))

    assert response.status_code == 200
    assert error in text(response)
    assert not get_user_model().objects.filter(email="camille@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_hostile_name_is_stored_as_text_and_shown_escaped(client, structures, facilitator):
    token = invite(facilitator, structures[0])
    client.post(accept_path(token), new_account(first_name="<script>alert(1)</script>"))

    page = text(client.get(reverse("my_space")))

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_accept_form_refuses_a_filled_honeypot_an_oversized_body_and_nul_characters(
    client, structures, facilitator
):
    token = invite(facilitator, structures[0])

    robot = client.post(accept_path(token), new_account(site_web="http://spam.example"))
    huge = client.post(accept_path(token), new_account(last_name="x" * 20_000))
    nul = client.post(accept_path(token), new_account(first_name="Cami\x00lle"))

    assert robot.status_code == 400
    assert huge.status_code == 413
    assert nul.status_code == 400
    assert not get_user_model().objects.filter(email="camille@example.org").exists()


def test_the_accept_form_is_rate_limited_per_address(client, structures, facilitator):
    token = invite(facilitator, structures[0])
    wrong = new_account(password2="pas le même mot de passe")

    answers = [client.post(accept_path(token), wrong).status_code for _ in range(11)]

    assert answers == [200] * 10 + [429]
    assert "Trop de demandes" in text(client.post(accept_path(token), new_account()))
    assert not get_user_model().objects.filter(email="camille@example.org").exists()


# --- Accepting with an existing account ----------------------------------------------------


@pytest.fixture
def camille(home):
    return person("camille", email="Camille@Example.org")


def test_a_link_holder_never_takes_over_an_existing_account(
    client, structures, facilitator, camille
):
    token = invite(facilitator, structures[0], role=Role.EDITOR)

    page = client.get(accept_path(token))
    posted = client.post(accept_path(token), new_account(password1="pirate " * 3))

    assert "Un compte existe déjà pour cette adresse" in text(page)
    assert 'name="password1"' not in text(page)
    assert posted.status_code == 200
    camille.refresh_from_db()
    assert camille.check_password(PASSWORD)
    assert get_user_model().objects.filter(email__iexact="camille@example.org").count() == 1
    assert not Membership.objects.filter(user=camille).exists()
    assert Invitation.objects.get().accepted_at is None
    assert "_auth_user_id" not in client.session
    with pytest.raises(invitations.AccountExists):
        invitations.accept_with_new_account(
            token=token, first_name="X", last_name="", password=PASSWORD
        )


def test_the_invitation_email_tells_an_existing_account_to_sign_in_first(
    structures, facilitator, camille
):
    invite(facilitator, structures[0])

    assert "Un compte existe déjà pour l'adresse camille@example.org" in mail.outbox[0].body


def test_an_existing_account_signs_in_then_accepts_and_gets_the_membership(
    structures, facilitator, camille
):
    token = invite(facilitator, structures[0], role=Role.EDITOR)
    client = Client(HTTP_HOST="localhost")
    login_page = client.get(accept_path(token))
    assert f"/compte/connexion/?next=%2Fcompte%2Finvitation%2F{token}%2F" in text(login_page)

    client.post(
        reverse("account_login"),
        {"username": "camille", "password": PASSWORD, "next": accept_path(token)},
    )
    confirm = client.get(accept_path(token))
    response = client.post(accept_path(token), {"site_web": ""})

    assert "Rejoindre la structure" in text(confirm)
    assert response.status_code == 302
    assert Membership.objects.get(user=camille).role == Role.EDITOR
    assert Invitation.objects.get().accepted_by == camille
    assert client.post(accept_path(token), {"site_web": ""}).status_code == 410
    assert Membership.objects.filter(user=camille).count() == 1


def test_another_signed_in_account_cannot_accept_someone_elses_invitation(
    structures, facilitator, camille, editor
):
    token = invite(facilitator, structures[1], role=Role.EDITOR)
    client = signed_in(editor)

    page = client.get(accept_path(token))
    client.post(accept_path(token), {"site_web": ""})
    client.post(accept_path(token), new_account())

    assert "qui n'est pas celui de cette invitation" in text(page)
    assert not Membership.objects.filter(structure=structures[1]).exists()
    assert Invitation.objects.get().accepted_at is None
    with pytest.raises(invitations.WrongAccount):
        invitations.accept_as(token=token, user=editor)
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_person_cannot_create_the_account_of_a_new_address(
    structures, facilitator, editor
):
    token = invite(facilitator, structures[1])
    client = signed_in(editor)

    page = client.get(accept_path(token))
    client.post(accept_path(token), new_account())

    assert "Déconnectez-vous, puis ouvrez à nouveau le lien" in text(page)
    assert not get_user_model().objects.filter(email="camille@example.org").exists()


# --- The admin: invitations ------------------------------------------------------------------


def test_the_invitations_list_shows_each_state_and_filters_by_it(structures, facilitator):
    invite(facilitator, structures[0], email="en.attente@example.org")
    Client().post(
        accept_path(invite(facilitator, structures[0], email="ok@example.org")), new_account()
    )
    invite(facilitator, structures[1], email="expiree@example.org")
    Invitation.objects.filter(email="expiree@example.org").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = signed_in(facilitator)
    index = reverse("invitations:index")

    listing = text(client.get(index))
    pending = text(client.get(index, {"status": "en-attente"}))
    accepted = text(client.get(index, {"status": "acceptee"}))
    expired = text(client.get(index, {"status": "expiree"}))

    for label in ("En attente", "Acceptée", "Expirée"):
        assert label in listing
    assert "en.attente@example.org" in pending and "ok@example.org" not in pending
    assert "ok@example.org" in accepted and "expiree@example.org" not in accepted
    assert "expiree@example.org" in expired and "en.attente@example.org" not in expired


def test_resending_sends_a_new_link_and_the_old_one_stops_working(structures, facilitator):
    old = invite(facilitator, structures[0])
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))

    response = signed_in(facilitator).post(
        reverse("invitations:edit", args=[invitation.pk]), {"role": Role.EDITOR}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new = last_token()
    assert new != old
    assert Client().get(accept_path(old)).status_code == 404
    assert Client().get(accept_path(new)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.role == Role.EDITOR
    assert invitation.expires_at == timezone.now() + timedelta(days=7)


def test_an_accepted_invitation_cannot_be_resent(structures, facilitator):
    token = invite(facilitator, structures[0])
    Client().post(accept_path(token), new_account())
    invitation = Invitation.objects.get()

    response = signed_in(facilitator).post(
        reverse("invitations:edit", args=[invitation.pk]), {"role": Role.EDITOR}
    )

    assert response.status_code == 404
    assert len(mail.outbox) == 1
    with pytest.raises(invitations.InvitationUnusable):
        invitations.resend(invitation=invitation, sent_by=facilitator)


def test_cancelling_an_invitation_in_the_admin_kills_its_link(structures, facilitator):
    token = invite(facilitator, structures[0])
    invitation = Invitation.objects.get()

    signed_in(facilitator).post(reverse("invitations:delete", args=[invitation.pk]))

    assert not Invitation.objects.exists()
    assert Client().get(accept_path(token)).status_code == 404


def test_the_network_menu_shows_only_to_those_who_manage_people(structures, facilitator, editor):
    member = person("membre")
    Membership.objects.create(user=member, structure=structures[0], role=Role.MEMBER)

    def menu(user):
        return text(signed_in(user).get(reverse("wagtailadmin_home")))

    assert "Inviter une personne" in menu(facilitator)
    assert "Inviter une personne" in menu(editor)
    assert "Équipe d'animation" not in menu(editor)
    assert "Réseau" not in menu(member) and "Inviter une personne" not in menu(member)


# --- The admin: the permission matrix --------------------------------------------------------

KINDS = {
    "appartenance": "memberships",
    "invitation": "invitations",
    "animation": "facilitators",
}
TARGETS = ["appartenance_A", "appartenance_B", "invitation_A", "invitation_B", "animation"]


def build_targets(network) -> dict:
    admin = network.users["admin"]
    for letter in "AB":
        Invitation.objects.create(
            email=f"invitee.{letter.lower()}@example.org",
            structure=network.pages[f"structure_{letter}"],
            token_hash=hashlib.sha256(letter.encode()).hexdigest(),
            invited_by=admin,
            expires_at=timezone.now() + timedelta(days=7),
        )
    return {
        "appartenance_A": Membership.objects.get(user=network.users["membre_A"]),
        "appartenance_B": Membership.objects.get(user=network.users["editeur_B"]),
        "invitation_A": Invitation.objects.get(email="invitee.a@example.org"),
        "invitation_B": Invitation.objects.get(email="invitee.b@example.org"),
        "animation": Facilitator.objects.get(user=network.users["animateur"]),
    }


def _url(target: str, view: str, *args) -> str:
    return reverse(f"{KINDS[target.split('_')[0]]}:{view}", args=args)


def see_in_list(client, target, obj, network):
    response = client.get(_url(target, "index"))
    return response.status_code == 200 and _url(target, "edit", obj.pk) in text(response)


def open_form(client, target, obj, network):
    return client.get(_url(target, "edit", obj.pk)).status_code == 200


def change(client, target, obj, network):
    model = type(obj)
    before = model.objects.filter(pk=obj.pk).values().first()
    if isinstance(obj, Membership):
        data = {"role": Role.MEMBER if obj.role == Role.EDITOR else Role.EDITOR}
    elif isinstance(obj, Invitation):
        data = {"role": Role.EDITOR}
    else:
        data = {"user": network.users["membre_A"].pk}
    client.post(_url(target, "edit", obj.pk), data)
    return model.objects.filter(pk=obj.pk).values().first() != before


def remove(client, target, obj, network):
    client.post(_url(target, "delete", obj.pk))
    return not type(obj).objects.filter(pk=obj.pk).exists()


def add(client, target, obj, network):
    model = type(obj)
    count = model.objects.count()
    if isinstance(obj, Facilitator):
        data = {"user": network.users["membre_A"].pk}
    elif isinstance(obj, Membership):
        data = {
            "user": network.users["ancien_editeur_A"].pk,
            "structure": obj.structure_id,
            "role": Role.MEMBER,
        }
    else:
        data = {"email": "nouvelle@example.org", "structure": obj.structure_id, "role": "membre"}
    client.post(_url(target, "add"), data)
    return model.objects.count() == count + 1


ADMIN_ACTIONS = {
    "voir dans la liste": see_in_list,
    "ouvrir le formulaire": open_form,
    "modifier ou renvoyer": change,
    "supprimer ou annuler": remove,
    "ajouter ou inviter": add,
}


def expected(role: str, action: str, target: str) -> bool:
    """Administrators: everything. Facilitators: every structure's people, not the team.
    A structure's editors: their own structure's memberships and invitations, except adding a
    membership directly (they invite instead). Nobody else: nothing."""
    kind, _sep, owner = target.partition("_")
    if role == "admin":
        return True
    if kind == "animation":
        return False
    if role == "animateur":
        return True
    if role == f"editeur_{owner}":
        return not (kind == "appartenance" and action == "ajouter ou inviter")
    return False


@pytest.mark.parametrize("role", ROLES)
def test_the_network_admin_obeys_the_permission_matrix(home, role):
    network = build_network()
    targets = build_targets(network)
    client = client_for(network, role)
    problems = []
    for action_name, action in ADMIN_ACTIONS.items():
        for target in TARGETS:
            obj = targets[target]
            allowed = attempt(lambda c, o, a=action, t=target: a(c, t, o, network), client, obj)
            if allowed != expected(role, action_name, target):
                problems.append(
                    f"{role} / {action_name} / {target} : {'autorisé' if allowed else 'refusé'}"
                )
    assert not problems, "\n".join(problems)


def test_the_memberships_list_filters_by_structure_and_role_and_searches_names(
    structures, facilitator
):
    regie, ccas = structures
    for username, structure, role in [
        ("camille", regie, Role.EDITOR),
        ("sabah", regie, Role.MEMBER),
        ("yanis", ccas, Role.MEMBER),
    ]:
        Membership.objects.create(user=person(username), structure=structure, role=role)
    client = signed_in(facilitator)
    index = reverse("memberships:index")

    by_structure = text(client.get(index, {"structure": regie.pk}))
    by_role = text(client.get(index, {"role": Role.MEMBER}))
    searched = text(client.get(index, {"q": "yan"}))

    assert "camille" in by_structure and "sabah" in by_structure
    assert "yanis" not in by_structure
    assert "sabah" in by_role and "yanis" in by_role and "camille" not in by_role
    assert "yanis" in searched and "camille" not in searched


def test_changing_a_role_in_the_admin_rederives_the_rights_at_once(structures, facilitator):
    camille = person("camille")
    membership = Membership.objects.create(user=camille, structure=structures[0])

    signed_in(facilitator).post(
        reverse("memberships:edit", args=[membership.pk]), {"role": Role.EDITOR}
    )

    assert editors_group_name(structures[0]) in set(camille.groups.values_list("name", flat=True))


def test_a_memberships_person_and_structure_cannot_be_changed_after_the_fact(
    structures, facilitator
):
    camille = person("camille")
    membership = Membership.objects.create(user=camille, structure=structures[0])

    signed_in(facilitator).post(
        reverse("memberships:edit", args=[membership.pk]),
        {"role": Role.MEMBER, "structure": structures[1].pk, "user": facilitator.pk},
    )

    membership.refresh_from_db()
    assert (membership.user, membership.structure) == (camille, structures[0])


# --- Moderation notifications ----------------------------------------------------------------


@pytest.fixture
def moderated(structures, facilitator, editor):
    regie, ccas = structures
    news = NewsPageFactory(parent=regie, title="Atelier CV")
    author = person("auteur")
    Membership.objects.create(user=author, structure=regie, role=Role.EDITOR)
    Membership.objects.create(user=person("membre"), structure=regie, role=Role.MEMBER)
    Membership.objects.create(user=person("voisin"), structure=ccas, role=Role.EDITOR)
    Membership.objects.create(
        user=person("parti", is_active=False), structure=regie, role=Role.EDITOR
    )
    Membership.objects.create(
        user=person("sans.adresse", email=""), structure=regie, role=Role.EDITOR
    )
    get_user_model().objects.filter(username="sans.adresse").update(email="")
    return news, author


def test_the_moderators_of_a_page_are_its_structures_editors_and_the_facilitators(moderated):
    news, _author = moderated

    names = set(moderators_of(news).values_list("username", flat=True))

    assert names == {"animatrice", "editeur", "auteur"}
    deep = LieuPageFactory(parent=news.get_parent(), title="Espace")
    assert set(moderators_of(deep).values_list("username", flat=True)) == names


def test_moderators_are_emailed_once_per_item_in_french_never_the_author(moderated):
    news, author = moderated

    first = notify_moderators(page=news, key="essai:1", what="une actualité", exclude=author)
    second = notify_moderators(page=news, key="essai:1", what="une actualité", exclude=author)

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "animatrice@example.org",
        "editeur@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == "À modérer : « Atelier CV »"
    assert (
        "Une actualité attend votre modération sur Relais : « Atelier CV » (Régie Coup de Pouce)"
        in message.body
    )
    assert f"http://localhost/admin/pages/{news.pk}/edit/" in message.body


def test_a_new_key_notifies_again_and_a_new_moderator_is_told_about_an_old_item(
    moderated, structures
):
    news, author = moderated
    notify_moderators(page=news, key="essai:1", exclude=author)
    newcomer = person("nouvelle")
    Membership.objects.create(user=newcomer, structure=structures[0], role=Role.EDITOR)

    assert notify_moderators(page=news, key="essai:1", exclude=author) == 1
    assert mail.outbox[-1].to == ["nouvelle@example.org"]
    assert notify_moderators(page=news, key="essai:2", exclude=author) == 3


def test_a_failed_sending_skips_nobody_and_the_next_call_resumes(moderated, settings):
    news, author = moderated
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(OSError):
        notify_moderators(page=news, key="essai:1", exclude=author)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert notify_moderators(page=news, key="essai:1", exclude=author) == 2
    assert len(mail.outbox) == 2


def test_the_sent_log_is_the_pages_history_and_holds_no_address(moderated):
    news, author = moderated
    notify_moderators(page=news, key="essai:1", exclude=author)

    entries = PageLogEntry.objects.filter(page=news, action=MODERATION_NOTIFIED)

    assert entries.count() == 2
    assert all(set(entry.data) == {"key", "recipient"} for entry in entries)
    assert "@" not in str(list(entries.values_list("data", flat=True)))


def test_a_moderator_already_in_the_sent_log_is_not_emailed_again(moderated, facilitator):
    news, author = moderated
    PageLogEntry.objects.log_action(
        news, MODERATION_NOTIFIED, data={"key": "essai:1", "recipient": facilitator.pk}
    )

    assert notify_moderators(page=news, key="essai:1", exclude=author) == 1
    assert mail.outbox[0].to == ["editeur@example.org"]


@pytest.mark.parametrize("key", ["", "k" * 201])
def test_a_notification_needs_a_sensible_key(moderated, key):
    with pytest.raises(ValueError):
        notify_moderators(page=moderated[0], key=key)


def test_purge_invitations_forgets_stale_invitations_and_their_addresses(home, django_user_model):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from structures.factories import StructurePageFactory
    from structures.models import Invitation, StructureIndexPage

    structure = StructurePageFactory(parent=StructureIndexPage.objects.get())
    now = timezone.now()

    def invitation(email, *, expires_days, accepted_days=None):
        return Invitation.objects.create(
            email=email,
            structure=structure,
            token_hash=email.ljust(64, "0")[:64],
            expires_at=now + dt.timedelta(days=expires_days),
            accepted_at=None if accepted_days is None else now - dt.timedelta(days=accepted_days),
        )

    invitation("pending@example.org", expires_days=3)
    invitation("recent-expired@example.org", expires_days=-10)
    invitation("old-expired@example.org", expires_days=-31)
    invitation("recent-accepted@example.org", expires_days=-5, accepted_days=10)
    invitation("old-accepted@example.org", expires_days=-100, accepted_days=91)
    call_command("purge_invitations", verbosity=0)
    call_command("purge_invitations", verbosity=0)
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "pending@example.org",
        "recent-expired@example.org",
        "recent-accepted@example.org",
    }
