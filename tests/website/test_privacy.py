"""A person downloads their data and deletes their account: what they wrote stays, signed
"ancien membre"; what was theirs alone goes (website.privacy_services, each app's privacy.py)."""

import datetime
import json
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessLog

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import reverse

from wagtail.models import Comment as PageComment
from wagtail.models import CommentReply, Page, PageLogEntry
from wagtail.users.models import UserProfile

from agenda.factories import EventPageFactory
from agenda.models import EventProposal
from bilans.factories import ActionFactory
from bilans.models import Action
from ressources.factories import RessourcePageFactory
from ressources.models import (
    Comment,
    CommentReport,
    DigestSubscription,
    Follow,
    RessourceIndexPage,
    Visit,
)
from structures.factories import StructurePageFactory
from structures.models import Facilitator, Invitation, Membership, Role, StructureIndexPage
from tests.clients import signed_in, text
from veille.factories import AppelPageFactory
from veille.models import Alert, Interest, VeilleIndexPage
from website import privacy_services
from website.models import RelaisDocument

PASSWORD = "un mot de passe assez long"
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris
WEEK = datetime.timedelta(days=7)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def regie(home):
    return StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Régie", slug="regie"
    )


def person(username: str, first_name: str, regie):
    user = get_user_model().objects.create_user(
        username, username, PASSWORD, first_name=first_name, last_name="Test"
    )
    Membership.objects.create(user=user, structure=regie, role=Role.MEMBER)
    return user


@pytest.fixture
def awa(regie):
    return person("awa@example.org", "Awa", regie)


@pytest.fixture
def karim(regie):
    return person("karim@example.org", "Karim", regie)


@pytest.fixture
def work(awa, karim, regie):
    """Awa's traces in every app, beside Karim's."""
    wiki = RessourceIndexPage.objects.get()
    fiche = RessourcePageFactory(parent=wiki, title="Réorienter une demande", owner=awa)
    locked = RessourcePageFactory(parent=wiki, title="Page verrouillée")
    Page.objects.filter(pk=locked.pk).update(locked=True, locked_by=awa, locked_at=MONDAY)
    fiche.summary = "Vers qui se tourner quand la demande dépasse l'atelier."
    revision = fiche.save_revision(user=awa)
    revision.publish(user=awa)
    mine = Comment.objects.create(page=fiche, author=awa, body="Toujours utile, merci.")
    theirs = Comment.objects.create(page=fiche, author=karim, body="Voir aussi le CCAS.")
    CommentReport.objects.create(comment=theirs, reporter=awa, reason="Hors sujet ?")
    note = PageComment.objects.create(
        page=fiche, user=awa, text="À relire avant l'été", contentpath="summary"
    )
    CommentReply.objects.create(comment=note, user=awa, text="Relu.")
    Follow.objects.create(user=awa, page=fiche)
    DigestSubscription.objects.create(user=awa, frequency="quotidien")
    Visit.objects.create(user=awa, page=fiche)
    event = EventPageFactory(parent=regie, title="Atelier smartphone")
    proposal = EventProposal.objects.create(event=event, proposer=awa)
    call = AppelPageFactory(parent=VeilleIndexPage.objects.get(), title="Appel inclusion")
    interest = Interest.objects.create(call=call, structure=regie, updated_by=awa)
    action = ActionFactory(description="Ouvrir le samedi", created_by=awa, status_changed_by=awa)
    sent = Invitation.objects.create(
        email="lea@example.org",
        structure=regie,
        token_hash="1" * 64,
        expires_at=MONDAY + WEEK,
        invited_by=awa,
    )
    Invitation.objects.create(
        email="awa@example.org",
        structure=regie,
        token_hash="2" * 64,
        expires_at=MONDAY - WEEK,
        accepted_at=MONDAY - WEEK,
        accepted_by=awa,
    )
    Alert.objects.create(email="Awa@Example.org", query="numérique")
    Alert.objects.create(email="lea@example.org", query="numérique")
    document = RelaisDocument.objects.create(
        title="Compte rendu", file=ContentFile(b"notes", name="cr.txt"), uploaded_by_user=awa
    )
    profile = UserProfile.get_for_user(awa)
    profile.avatar.save("awa.png", ContentFile(PNG))
    AccessLog.objects.create(
        username=awa.username, ip_address="192.0.2.7", user_agent="Firefox", http_accept="*/*"
    )
    return {
        "fiche": fiche,
        "locked": locked,
        "revision": revision,
        "comment": mine,
        "note": note,
        "proposal": proposal,
        "interest": interest,
        "action": action,
        "sent": sent,
        "document": document,
        "avatar": profile.avatar.path,
    }


# --- Export ----------------------------------------------------------------------------------


def test_my_data_download_holds_my_traces_in_every_app_and_nobody_elses(awa, work):
    response = signed_in(awa).get(reverse("account_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="mes-donnees-relais-2026-11-23.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "awa@example.org"
    assert data["groups"] == ["Participants"]
    assert [m["structure"] for m in data["structures"]["memberships"]] == ["Régie"]
    assert data["structures"]["invitations_sent"] == [
        {"structure": "Régie", "role": "membre", "sent_at": "2026-11-23T10:00:00+01:00",
         "accepted": False}
    ]  # fmt: skip
    assert data["revisions_authored"] == [
        {
            "title": "Réorienter une demande",
            "type": "ressource",
            "object_id": str(work["fiche"].pk),
            "saved_at": "2026-11-23T10:00:00+01:00",
        }
    ]
    assert [page["title"] for page in data["pages_owned"]] == ["Réorienter une demande"]
    assert [c["text"] for c in data["page_comments"]] == ["À relire avant l'été"]
    assert [r["text"] for r in data["page_comment_replies"]] == ["Relu."]
    assert data["uploads"] == [
        {"kind": "document", "title": "Compte rendu", "uploaded_at": "2026-11-23T10:00:00+01:00"}
    ]
    # The earlier login, then the one of this test client.
    assert [login["ip_address"] for login in data["logins"]][0] == "192.0.2.7"
    assert len(data["logins"]) == 2
    assert [c["text"] for c in data["ressources"]["comments"]] == ["Toujours utile, merci."]
    assert [r["reason"] for r in data["ressources"]["comment_reports"]] == ["Hors sujet ?"]
    assert data["ressources"]["wiki_digest"]["frequency"] == "quotidien"
    assert [p["event"] for p in data["agenda"]["event_proposals"]] == ["Atelier smartphone"]
    assert [i["call"] for i in data["veille"]["call_interests_recorded"]] == ["Appel inclusion"]
    assert [a["email"] for a in data["veille"]["alerts"]] == ["Awa@Example.org"]
    assert [a["action"] for a in data["bilans"]["actions"]] == ["Ouvrir le samedi"]
    body = response.content.decode()
    assert "Vers qui se tourner" not in body  # titles and dates of revisions, not their bodies
    assert "Voir aussi le CCAS." not in body and "karim" not in body
    assert "lea@example.org" not in body  # the invited person's address is hers


def test_a_person_with_no_traces_downloads_empty_lists(regie):
    newcomer = get_user_model().objects.create_user("sam", "", PASSWORD)

    data = json.loads(signed_in(newcomer).get(reverse("account_export")).content)

    assert data["revisions_authored"] == data["pages_owned"] == data["groups"] == []
    assert data["veille"]["alerts"] == []  # no address, no alert matched by an empty one
    assert data["structures"]["memberships"] == []


# --- Deleting the account --------------------------------------------------------------------


def test_deleting_my_account_keeps_what_i_wrote_signed_former_member(
    awa, karim, work, django_capture_on_commit_callbacks
):
    client = signed_in(awa)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=awa.pk).exists()
    former = get_user_model().objects.get(username=privacy_services.FORMER_MEMBER_USERNAME)
    assert not former.is_active and not former.has_usable_password() and former.email == ""
    # What Awa wrote or did stays.
    fiche = Page.objects.get(pk=work["fiche"].pk)
    assert fiche.owner_id is None
    work["revision"].refresh_from_db()
    assert work["revision"].user_id is None
    assert set(PageLogEntry.objects.filter(page=fiche).values_list("user", flat=True)) == {
        former.pk
    }
    assert Comment.objects.get(pk=work["comment"].pk).author_id is None
    assert CommentReport.objects.get().reporter == former
    assert PageComment.objects.get(pk=work["note"].pk).user == former
    assert CommentReply.objects.get().user == former
    assert EventProposal.objects.get(pk=work["proposal"].pk).proposer == former
    assert Interest.objects.get(pk=work["interest"].pk).updated_by_id is None
    assert Action.objects.get(pk=work["action"].pk).created_by_id is None
    assert Invitation.objects.get().pk == work["sent"].pk  # sent by Awa: kept, without her
    assert RelaisDocument.objects.get(pk=work["document"].pk).uploaded_by_user_id is None
    locked = Page.objects.get(pk=work["locked"].pk)
    assert (locked.locked, locked.locked_by_id) == (False, None)
    # What was hers alone goes.
    assert not Membership.objects.filter(user_id=awa.pk).exists()
    assert not Follow.objects.exists() and not DigestSubscription.objects.exists()
    assert not Visit.objects.exists()
    assert list(Alert.objects.values_list("email", flat=True)) == ["lea@example.org"]
    assert not AccessLog.objects.filter(username=awa.username).exists()
    assert not UserProfile.objects.filter(user_id=awa.pk).exists()
    assert not Path(work["avatar"]).exists()
    # Karim, and the public pages, still see everything, signed "ancien membre".
    assert get_user_model().objects.filter(pk=karim.pk).exists()
    visitor = Client(HTTP_HOST="localhost")
    history = text(visitor.get(fiche.url + "historique/"))
    assert "par ancien membre" in history
    page = text(visitor.get(fiche.url))
    assert "Toujours utile, merci." in page and "ancien membre" in page
    assert "Awa" not in page and "Awa" not in history


def test_deleting_needs_a_post_with_the_csrf_token(awa):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(awa)

    asked = client.get(reverse("account_delete"), {"password": PASSWORD})
    forged = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert asked.status_code == 200 and forged.status_code == 403
    assert "Resteront en ligne, signés « ancien membre »" in text(asked)
    assert get_user_model().objects.filter(pk=awa.pk).exists()


def test_two_former_members_share_one_account_and_one_report_per_comment(awa, karim, regie):
    wiki = RessourceIndexPage.objects.get()
    fiche = RessourcePageFactory(parent=wiki, title="Fiche")
    comment = Comment.objects.create(page=fiche, body="Publicité")
    for reporter in (awa, karim):
        CommentReport.objects.create(comment=comment, reporter=reporter)

    privacy_services.delete_account(user=awa)
    privacy_services.delete_account(user=karim)

    former = get_user_model().objects.get(username=privacy_services.FORMER_MEMBER_USERNAME)
    assert list(CommentReport.objects.values_list("reporter", flat=True)) == [former.pk]
    assert get_user_model().objects.count() == 1
    with pytest.raises(ValueError, match="former-member"):
        privacy_services.delete_account(user=former)


def test_the_rights_go_with_the_account(awa, regie):
    Facilitator.objects.create(user=awa)
    assert awa.groups.exists()

    privacy_services.delete_account(user=awa)

    assert not get_user_model().objects.filter(pk=awa.pk).exists()
    assert not Facilitator.objects.exists()


# Every row that points at an account and goes with it (a cascade): the person's alone. A new
# foreign key to the user model fails this test until someone decides: cascade (list it here,
# and export it), SET_NULL (kept, "ancien membre") or handed to the former member in `forget`.
CASCADES_WITH_THE_ACCOUNT = {
    "auth.User_groups",
    "auth.User_user_permissions",
    "ressources.DigestSubscription",
    "ressources.Follow",
    "ressources.Visit",
    "structures.Facilitator",
    "structures.Membership",
    "wagtailadmin.EditingSession",
    "wagtailadmin.FormState",
    "wagtailcore.APIToken",
    "wagtailcore.PageSubscription",
    "wagtailusers.UserProfile",
    # Emptied by `forget` beforehand (handed to the former member):
    "ressources.CommentReport",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
}
# No database constraint: emptied by `forget` beforehand (handed to the former member).
WITHOUT_CONSTRAINT = {"wagtailcore.ModelLogEntry", "wagtailcore.PageLogEntry"}


def test_every_foreign_key_to_an_account_is_decided():
    cascades, unconstrained, blocking = set(), set(), set()
    for relation in get_user_model()._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        label = relation.related_model._meta.label
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            cascades.add(label)
        elif on_delete is models.DO_NOTHING:
            unconstrained.add(label)
        elif on_delete is not models.SET_NULL:
            blocking.add(label)

    assert cascades == CASCADES_WITH_THE_ACCOUNT
    assert unconstrained == WITHOUT_CONSTRAINT
    assert blocking == set()  # PROTECT or RESTRICT would refuse the deletion


# --- Deleting from the admin -----------------------------------------------------------------


@pytest.fixture
def admin_client(home):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
    return signed_in(admin)


def test_an_administrator_deleting_an_account_keeps_what_it_wrote(admin_client, awa, work):
    url = reverse("wagtailusers_users:delete", args=[awa.pk])

    asked = admin_client.get(url)
    assert asked.status_code == 200 and get_user_model().objects.filter(pk=awa.pk).exists()
    response = admin_client.post(url)

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=awa.pk).exists()
    former = get_user_model().objects.get(username=privacy_services.FORMER_MEMBER_USERNAME)
    assert PageComment.objects.get(pk=work["note"].pk).user == former
    assert "signées « ancien membre »" in text(admin_client.get(response["Location"]))


def test_an_administrator_bulk_deleting_accounts_keeps_what_they_wrote(
    admin_client, awa, karim, work
):
    former = privacy_services.former_member()
    url = reverse("wagtail_bulk_action", args=["auth", "user", "delete"])

    admin_client.post(f"{url}?id={awa.pk}&id={karim.pk}&id={former.pk}")

    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "admin",
        privacy_services.FORMER_MEMBER_USERNAME,
    }
    assert CommentReply.objects.get().user == former
