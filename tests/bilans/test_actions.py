"""Actions: a facilitator turns an item into an action; members of the owning structure update
its status from the front end; boards per structure and for the network; the next review day
carries last time's actions over; owners are reminded a week before the due date."""

import datetime
import io
import os
import pty
import sys

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from bilans.factories import ActionFactory
from bilans.models import Action, BilanPage, Status
from structures.models import Membership, Role
from tests.bilans.conftest import NOW, five_columns
from tests.clients import signed_in, text


@pytest.fixture
def day(make_bilan, starfish):
    bilan = make_bilan(
        title="Bilan de mai",
        date=datetime.date(2023, 5, 9),
        sections=[
            five_columns(
                starfish, creer=["Un cycle de formations"], arreter=["Les fonds européens"]
            )
        ],
    )
    return BilanPage.objects.get(pk=bilan.pk)  # with the ids its items got when saved


def _item(bilan, text_start: str) -> tuple[str, str]:
    for block in bilan.sections:
        for item_id, item_text, _where in block.value.actionable_items():
            if item_text.startswith(text_start):
                return block.id, item_id
    raise AssertionError(text_start)


def _new_action_url(bilan, text_start: str) -> str:
    section_id, item_id = _item(bilan, text_start)
    return f"{bilan.url}action/{section_id}/{item_id}/"


def test_a_facilitator_turns_a_post_it_into_an_action(day, people, structures, frozen):
    client = signed_in(people["facilitator"])
    page = text(client.get(day.url))
    assert "Transformer en action" in page
    url = _new_action_url(day, "Un cycle")
    form = text(client.get(url))
    assert "Un cycle de formations" in form  # the description starts as the post-it
    response = client.post(
        url,
        {
            "description": "Lancer un cycle de formations",
            "structure": structures["clef"].pk,
            "due_date": "2026-12-15",
            "status": "a_faire",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.bilan, action.structure, action.due_date) == (
        day,
        structures["clef"],
        datetime.date(2026, 12, 15),
    )
    assert action.section_title == "Bilan en cinq colonnes — Créer"
    assert action.created_by == people["facilitator"]
    page = text(client.get(day.url))
    assert "→ action de CLEF Chantemerle : à faire" in page
    # The same post-it again leads to the existing action, not a second one.
    assert client.get(url)["Location"].endswith(f"actions/{action.pk}/modifier/")
    assert Action.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"description": ""}, "Décrivez l'action en une phrase."),
        ({"description": "   "}, "Décrivez l'action en une phrase."),
        (
            {"description": "x" * 5000},
            "Une action se décrit en 1000 caractères au plus (celle-ci en compte 5000) : raccourcissez-la.",
        ),
        ({"due_date": "31/02/2027"}, "Indiquez l'échéance sous la forme jj/mm/aaaa."),
        ({"due_date": "demain"}, "Indiquez l'échéance sous la forme jj/mm/aaaa."),
        ({"status": "supprimee"}, "Cet état n'existe pas."),
        ({"structure": "999999"}, "Cette structure n'existe pas ou n'est plus publiée."),
        (
            {"structure": "'; DROP TABLE bilans_action; --"},
            "Cette structure n'existe pas ou n'est plus publiée.",
        ),
        (
            {"carriers": "https://ailleurs.example.org/piege/"},
            "n'est ni un événement, ni une ressource, ni un appel à projets publié sur ce site.",
        ),
        ({"carriers": "\n".join(f"/agenda/{n}/" for n in range(11))}, "Indiquez au plus 10 pages."),
    ],
)
def test_bad_action_input_is_refused_in_french_and_nothing_typed_is_lost(
    day, people, structures, data, field_message
):
    client = signed_in(people["facilitator"])
    posted = {
        "description": "Afficher au Piochet <b>vite</b>",
        "structure": structures["clef"].pk,
        "due_date": "",
        "status": "a_faire",
        "carriers": "",
    } | data
    response = client.post(_new_action_url(day, "Un cycle"), posted)
    assert response.status_code == 400
    page = text(response)
    assert field_message in page
    assert "Le formulaire contient des erreurs" in page
    if data.get("description", "").strip() == "" and "description" not in data:
        assert "Afficher au Piochet &lt;b&gt;vite&lt;/b&gt;" in page  # kept, and escaped
    assert not Action.objects.exists()


def test_an_oversized_post_is_refused_by_the_guard(day, people, structures):
    client = signed_in(people["facilitator"])
    response = client.post(
        _new_action_url(day, "Un cycle"),
        {"description": "x" * 20000, "structure": structures["clef"].pk, "status": "a_faire"},
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)
    assert not Action.objects.exists()


def test_items_that_do_not_exist_or_cannot_become_actions_are_not_found(day, people):
    client = signed_in(people["facilitator"])
    section_id, _item_id = _item(day, "Un cycle")
    assert client.get(f"{day.url}action/{section_id}/inconnu/").status_code == 404
    assert client.get(f"{day.url}action/inconnue/inconnu/").status_code == 404


def test_members_update_their_own_structure_actions_only(day, people, structures, index, frozen):
    mine = ActionFactory(
        bilan=day, structure=structures["clef"], description="Relancer l'affichage"
    )
    theirs = ActionFactory(
        bilan=day, structure=structures["ccas"], description="Présenter au Département"
    )
    member = signed_in(people["member"])
    board = text(member.get(f"{index.url}actions/structure/clef/"))
    assert "Relancer l'affichage" in board and 'name="status"' in board
    response = member.post(
        f"{index.url}actions/{mine.pk}/statut/", {"status": "faite", "next": "/bilans/actions/"}
    )
    assert response.status_code == 302 and response["Location"] == "/bilans/actions/"
    mine.refresh_from_db()
    assert (mine.status, mine.status_changed_by) == (Status.DONE, people["member"])
    assert mine.status_changed_at == NOW
    assert (
        member.post(f"{index.url}actions/{theirs.pk}/statut/", {"status": "faite"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == Status.TODO
    # The network board shows both, with a form for their own only.
    network = member.get(f"{index.url}actions/").content.decode()
    assert f'action="/bilans/actions/{mine.pk}/statut/"' in network
    assert f'action="/bilans/actions/{theirs.pk}/statut/"' not in network


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (
            {"status": "supprimee"},
            "Cet état n'existe pas : choisissez à faire, en cours, faite ou abandonnée.",
        ),
        ({}, "Choisissez un état."),
        ({"status": "<script>"}, "Cet état n'existe pas"),
    ],
)
def test_a_bad_status_is_refused_in_french(day, people, structures, index, posted, message):
    action = ActionFactory(bilan=day, structure=structures["clef"])
    response = signed_in(people["member"]).post(f"{index.url}actions/{action.pk}/statut/", posted)
    assert response.status_code == 400
    assert message in text(response)
    assert "<script>" not in response.content.decode().split("<main")[1]
    action.refresh_from_db()
    assert action.status == Status.TODO


def test_an_outside_next_address_is_ignored(day, people, structures, index):
    action = ActionFactory(bilan=day, structure=structures["clef"])
    response = signed_in(people["member"]).post(
        f"{index.url}actions/{action.pk}/statut/",
        {"status": "en_cours", "next": "https://pirate.example.org/"},
    )
    assert response["Location"] == f"{index.url}actions/"


def test_visitors_are_sent_to_log_in(day, structures, index, client):
    action = ActionFactory(bilan=day, structure=structures["clef"])
    response = client.post(f"{index.url}actions/{action.pk}/statut/", {"status": "faite"})
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    action.refresh_from_db()
    assert action.status == Status.TODO


def test_a_facilitator_edits_an_action_and_links_the_pages_that_carry_it_out(
    day, people, structures, index, home
):
    from agenda.factories import EventPageFactory
    from agenda.models import AgendaPage

    event = EventPageFactory(
        parent=AgendaPage.objects.get(), title="Atelier affiches", slug="atelier-affiches"
    )
    action = ActionFactory(bilan=day, structure=structures["clef"], description="Afficher")
    client = signed_in(people["facilitator"])
    url = f"{index.url}actions/{action.pk}/modifier/"
    response = client.post(
        url,
        {
            "description": "Afficher au Piochet",
            "structure": structures["ccas"].pk,
            "due_date": "15/01/2027",
            "status": "en_cours",
            "carriers": f"http://localhost{event.url}",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.structure, action.status) == (
        "Afficher au Piochet",
        structures["ccas"],
        Status.IN_PROGRESS,
    )
    assert list(action.carried_by.all()) == [event.page_ptr]
    assert action.status_changed_by == people["facilitator"]
    board = text(client.get(f"{index.url}actions/"))
    assert "Atelier affiches" in board
    # Members may not edit the action itself, only its status.
    assert signed_in(people["member"]).get(url).status_code == 404


def test_in_the_admin_a_facilitator_links_the_pages_that_carry_an_action_out(
    day, people, structures, index, make_bilan, client, home
):
    from agenda.factories import EventPageFactory
    from agenda.models import AgendaPage

    event = EventPageFactory(
        parent=AgendaPage.objects.get(), title="Permanence du samedi", slug="permanence"
    )
    action = ActionFactory(bilan=day, structure=structures["clef"], description="Ouvrir le samedi")
    admin = signed_in(people["facilitator"])
    url = reverse("bilan_actions:edit", args=[action.pk])
    form = {
        "bilan": day.pk,
        "section_title": "",
        "structure": structures["clef"].pk,
        "description": "Ouvrir le samedi",
        "due_date": "",
        "status": "en_cours",
    }
    refused = admin.post(url, form | {"carriers": "https://ailleurs.example/agenda/rien/"})
    assert refused.status_code == 200
    assert "n'est ni un événement, ni une ressource, ni un appel à projets" in text(refused)
    assert admin.post(url, form | {"carriers": event.url}).status_code == 302
    assert list(action.carried_by.all()) == [event.page_ptr]
    assert event.url in text(admin.get(url))  # shown again, as an address, when editing
    # An edit that leaves the field as it was keeps the link.
    assert (
        admin.post(url, form | {"carriers": event.url, "description": "Ouvrir"}).status_code == 302
    )
    assert action.carried_by.count() == 1

    following = make_bilan(title="Bilan d'automne", date=datetime.date(2023, 10, 3))
    followup = text(client.get(following.url)).split("</section>")[0]
    assert "Ouvrir" in followup
    assert f'Mise en œuvre par <a href="{event.url}">Permanence du samedi</a>' in followup


def test_the_next_review_day_opens_with_last_time_actions_carried_over(
    make_bilan, structures, frozen, client
):
    first = make_bilan(title="Bilan de janvier", date=datetime.date(2023, 1, 10))
    second = make_bilan(title="Bilan de mai", date=datetime.date(2023, 5, 9))
    third = make_bilan(title="Bilan d'octobre", date=datetime.date(2023, 10, 3))
    still_open = ActionFactory(
        bilan=first,
        structure=structures["clef"],
        description="Ouverte depuis janvier",
        status=Status.IN_PROGRESS,
    )
    ActionFactory(
        bilan=first,
        structure=structures["clef"],
        description="Finie en février",
        status=Status.DONE,
        status_changed_at=datetime.datetime(2023, 2, 1, tzinfo=datetime.UTC),
    )
    done_since = ActionFactory(
        bilan=second,
        structure=structures["ccas"],
        description="Faite depuis mai",
        status=Status.DONE,
        status_changed_at=datetime.datetime(2023, 6, 1, tzinfo=datetime.UTC),
    )
    ActionFactory(
        bilan=second,
        structure=structures["clef"],
        description="Décidée en mai",
        status=Status.TODO,
        due_date=datetime.date(2023, 6, 30),
    )
    ActionFactory(bilan=third, description="Décidée en octobre")

    page = text(client.get(third.url))
    followup = page.split("Où en sont les actions du bilan précédent ?")[1].split("</section>")[0]
    assert "Bilan de mai" in followup
    assert "Décidée en mai" in followup and "Faite depuis mai" in followup
    assert (
        "Ouverte depuis janvier" in followup and "reportée du bilan du 10 janvier 2023" in followup
    )
    assert "Finie en février" not in followup
    assert "Décidée en octobre" not in followup
    # Open ones first.
    assert followup.index("Décidée en mai") < followup.index("Faite depuis mai")
    assert "C'est la première journée bilan" in text(client.get(first.url))
    assert still_open.pk and done_since.pk


def test_boards_list_actions_in_a_fixed_number_of_queries(
    day, structures, index, people, database_cache, django_assert_max_num_queries
):
    for number in range(30):
        ActionFactory(
            bilan=day,
            structure=structures["clef" if number % 2 else "ccas"],
            description=f"Action {number}",
        )
    client = signed_in(people["member"])
    for url in (f"{index.url}actions/", f"{index.url}actions/structure/clef/"):
        client.get(url)
        with django_assert_max_num_queries(27):  # a third of them are the userbar's
            response = client.get(url)
        assert "Action 1" in text(response)


def test_a_bad_board_filter_is_said_and_ignored(index, client, home):
    response = client.get(f"{index.url}actions/?etat=%3Cscript%3E")
    assert "Cet état n'existe pas : toutes les actions sont affichées." in text(response)
    assert client.get(f"{index.url}actions/structure/inconnue/").status_code == 404


REMINDER_DAY = datetime.datetime(2026, 12, 1, 7, 0, tzinfo=datetime.UTC)


def remind(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_action_reminders", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def reminder_day():
    with time_machine.travel(REMINDER_DAY, tick=False):
        yield REMINDER_DAY


def test_owners_are_reminded_a_week_before_an_open_action_is_due(
    day, people, structures, home, reminder_day
):
    colleague = get_user_model().objects.create_user("collegue", "collegue@example.org", "x")
    Membership.objects.create(user=colleague, structure=structures["clef"], role=Role.EDITOR)
    due = ActionFactory(
        bilan=day,
        structure=structures["clef"],
        description="Afficher",
        due_date=datetime.date(2026, 12, 8),
    )
    ActionFactory(
        bilan=day,
        structure=structures["clef"],
        description="Trop loin",
        due_date=datetime.date(2026, 12, 20),
    )
    ActionFactory(
        bilan=day,
        structure=structures["clef"],
        description="Déjà faite",
        due_date=datetime.date(2026, 12, 5),
        status=Status.DONE,
    )
    ActionFactory(
        bilan=day, description="Pour l'équipe d'animation", due_date=datetime.date(2026, 12, 2)
    )
    assert remind() == ("", "")  # quiet, as in cron
    network, clef = mail.outbox
    # One email per action, its owners in Bcc: members never see each other's addresses.
    assert (clef.to, clef.bcc) == ([], ["collegue@example.org", "membre@example.org"])
    assert "collegue@example.org" not in clef.message().as_string()
    assert "Afficher" in clef.body and "8 décembre" in clef.subject
    assert "/bilans/actions/structure/clef/#action-" in clef.body
    assert network.bcc == ["animatrice@example.org"] and "/bilans/actions/#action-" in network.body
    remind()
    assert len(mail.outbox) == 2  # idempotent
    due.due_date = datetime.date(2026, 12, 4)
    due.save()
    remind()
    assert len(mail.outbox) == 3  # a new due date earns a new reminder


@pytest.fixture
def three_due(day, people, structures, home, reminder_day, settings):
    """Three actions due this week, the second one's structure reached through a broken server."""
    ccas = structures["ccas"]
    get_user_model().objects.filter(pk=people["other"].pk).update(email="en-panne@example.org")
    actions = [
        ActionFactory(bilan=day, structure=structures["clef"], due_date=datetime.date(2026, 12, 3)),
        ActionFactory(bilan=day, structure=ccas, due_date=datetime.date(2026, 12, 4)),
        ActionFactory(bilan=day, structure=None, due_date=datetime.date(2026, 12, 5)),
    ]
    settings.EMAIL_BACKEND = "tests.bilans.failing_mail.Breakdown"
    return actions


def test_a_refused_reminder_is_retried_by_the_next_run_and_the_others_still_go(three_due, settings):
    with pytest.raises(
        CommandError,
        match="2 rappel\\(s\\) envoyé\\(s\\), 0 sans destinataire, 1 en échec. Le prochain",
    ):
        remind()
    assert [message.bcc for message in mail.outbox] == [
        ["membre@example.org"],
        ["animatrice@example.org"],
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    remind()
    assert [message.bcc for message in mail.outbox[2:]] == [["en-panne@example.org"]]


def test_a_run_that_dies_resumes_where_it_stopped(three_due, people, settings):
    get_user_model().objects.filter(pk=people["other"].pk).update(email="crash@example.org")
    with pytest.raises(RuntimeError):
        remind()
    assert [message.bcc for message in mail.outbox] == [["membre@example.org"]]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    remind()
    assert [message.bcc for message in mail.outbox[1:]] == [
        ["crash@example.org"],
        ["animatrice@example.org"],
    ]


def _read_all(controller: int) -> str:
    """What was written to the terminal: one read returns only what the line discipline has
    passed on so far (the last update could be missing); once the terminal side is closed and
    drained, Linux answers EIO."""
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def test_reminders_show_progress_on_a_terminal_and_counts_when_asked(
    day, people, structures, home, reminder_day, monkeypatch
):
    ActionFactory(bilan=day, structure=structures["clef"], due_date=datetime.date(2026, 12, 3))
    ActionFactory(bilan=day, structure=structures["clef"], due_date=datetime.date(2026, 12, 4))
    controller, terminal = pty.openpty()
    with open(terminal, "w", encoding="utf-8") as stderr:
        monkeypatch.setattr(sys, "stderr", stderr)
        out, _err = remind(verbosity=2)
        stderr.flush()
    shown = _read_all(controller)
    os.close(controller)
    assert "Rappels d'actions : 2/2" in shown
    assert out == "2 rappel(s) envoyé(s), 0 sans destinataire, 0 en échec.\n"


def test_a_second_run_at_the_same_time_is_refused(home, reminder_day):
    cache.add("bilans:send-action-reminders", 1)
    with pytest.raises(CommandError, match="Un autre envoi des rappels d'actions est en cours."):
        remind()


def test_my_space_lists_the_open_actions_of_my_structures(day, people, structures, frozen):
    ActionFactory(bilan=day, structure=structures["clef"], description="Relancer l'affichage")
    ActionFactory(bilan=day, structure=structures["ccas"], description="Pas la mienne")
    page = text(signed_in(people["member"]).get("/compte/mon-espace/"))
    assert "Actions de mes structures" in page
    assert "Relancer l'affichage" in page and "Pas la mienne" not in page
