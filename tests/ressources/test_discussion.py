"""Comments and questions on resources: writing, replying, answering, editing for 15 minutes,
hiding and reporting; hostile input; the selectors the wiki home and the digests read."""

import datetime
import json
from datetime import timedelta

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageViewRestriction

from ressources import discussion_selectors as selectors
from ressources.discussion import export_data
from ressources.factories import RessourcePageFactory
from ressources.models import Comment, CommentReport
from tests.clients import signed_in, text

PARIS = datetime.timezone(datetime.timedelta(hours=1))
NOON = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=PARIS)


def comment_url(page) -> str:
    return page.url + "commentaires/"


def post(client, page, body, **fields):
    return client.post(comment_url(page), {"body": body, **fields})


def say(page, author, body="Merci pour la fiche.", **fields) -> Comment:
    return Comment.objects.create(page=page, author=author, body=body, **fields)


@pytest.fixture
def camille(participant):
    participant.first_name, participant.last_name = "Camille", "Roux"
    participant.save()
    return participant


# --- Writing and reading -----------------------------------------------------------------------


def test_a_participant_comments_and_everyone_reads_it(ressource, camille, client):
    response = post(signed_in(camille), ressource, "Nous orientons aussi vers la médiathèque.")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{ressource.url}#commentaire-{comment.pk}"
    assert (comment.author, comment.page_id, comment.is_question) == (camille, ressource.pk, False)

    page = text(client.get(ressource.url))
    assert "Nous orientons aussi vers la médiathèque." in page
    assert "Camille Roux" in page
    assert "Commentaires et questions (1)" in page
    assert "Connectez-vous pour commenter" in page
    assert 'name="body"' not in page  # visitors get no form


def test_the_published_message_says_so(ressource, participant):
    client = signed_in(participant)
    response = post(client, ressource, "Bonjour", is_question="on")
    assert "Votre question est publiée." in text(client.get(response["Location"]))


def test_an_account_named_by_its_email_is_shown_without_the_domain(ressource, structure):
    from structures.models import Membership, Role

    user = get_user_model().objects.create_user("sacha@example.org", "sacha@example.org", "x")
    Membership.objects.create(user=user, structure=structure, role=Role.MEMBER)
    say(ressource, user)
    page = text(Client(HTTP_HOST="localhost").get(ressource.url))
    assert "sacha" in page
    assert "sacha@example.org" not in page


def test_a_deleted_account_leaves_its_comment_signed_former_member(ressource, participant, client):
    say(ressource, participant, "Toujours utile.")
    participant.delete()
    page = text(client.get(ressource.url))
    assert "Toujours utile." in page
    assert "ancien membre" in page


def test_a_signed_in_account_without_a_structure_reads_but_does_not_comment(ressource, home):
    outsider = get_user_model().objects.create_user("passant", password="x")
    client = signed_in(outsider)
    page = text(client.get(ressource.url))
    assert 'name="body"' not in page
    assert "Les membres des structures du réseau" in page
    response = post(client, ressource, "Je peux ?")
    assert response.status_code == 403
    assert "Seuls les membres des structures du réseau" in text(response)
    assert not Comment.objects.exists()


def test_a_visitor_posting_is_sent_to_sign_in(ressource, client):
    response = post(client, ressource, "Anonyme")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Comment.objects.exists()


def test_a_reply_to_a_reply_joins_the_top_comment(ressource, participant, other_participant):
    top = say(ressource, participant, "Une idée ?", is_question=True)
    reply = say(ressource, other_participant, "Oui.", parent=top)
    post(signed_in(participant), ressource, "Merci !", reponse_a=str(reply.pk), is_question="on")
    last = Comment.objects.latest("pk")
    assert last.parent == top
    assert not last.is_question  # replies are answers, never questions


def test_a_reply_to_a_comment_of_another_resource_is_not_found(ressource, wiki, participant):
    elsewhere = say(RessourcePageFactory(parent=wiki), participant)
    response = post(signed_in(participant), ressource, "Ici ?", reponse_a=str(elsewhere.pk))
    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_replies_are_shown_under_their_comment(ressource, participant, other_participant):
    top = say(ressource, participant, "Première remarque")
    say(ressource, other_participant, "Réponse à la remarque", parent=top)
    page = text(signed_in(participant).get(ressource.url))
    thread = page.split("Première remarque", 1)[1]
    replies = thread.split('class="comments__replies"', 1)[1]
    assert "Réponse à la remarque" in replies.split("</ol>", 1)[0]
    assert f'name="reponse_a" value="{top.pk}"' in replies


# --- Questions -------------------------------------------------------------------------------


def test_a_question_stays_open_until_someone_marks_it_answered(
    ressource, wiki, participant, other_participant, client
):
    post(signed_in(participant), ressource, "Qui répare les ordinateurs ?", is_question="on")
    question = Comment.objects.get()
    assert question.is_question
    home = text(client.get(wiki.url))
    assert "Questions ouvertes" in home
    assert "Qui répare les ordinateurs ?" in home
    assert f"#commentaire-{question.pk}" in home

    # Another participant may edit the resource, so may mark its questions answered.
    response = signed_in(other_participant).post(
        reverse("ressources_comment_answered", args=[question.pk]), {"resolue": "1"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered_at is not None
    assert question.answered_by == other_participant
    home = text(client.get(wiki.url))
    assert "Qui répare les ordinateurs ?" not in home
    assert "Aucune question en attente de réponse." in home
    assert "Question résolue" in text(client.get(ressource.url))

    signed_in(participant).post(
        reverse("ressources_comment_answered", args=[question.pk]), {"resolue": "0"}
    )
    question.refresh_from_db()
    assert question.answered_at is None and question.answered_by is None


def test_a_comment_that_is_not_a_question_cannot_be_marked_answered(ressource, participant):
    comment = say(ressource, participant)
    response = signed_in(participant).post(
        reverse("ressources_comment_answered", args=[comment.pk]), {"resolue": "1"}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.answered_at is None


def test_marking_answered_takes_a_post(ressource, participant):
    question = say(ressource, participant, is_question=True)
    response = signed_in(participant).get(
        reverse("ressources_comment_answered", args=[question.pk])
    )
    assert response.status_code == 405


# --- Editing for 15 minutes --------------------------------------------------------------------


def test_an_author_edits_their_comment_within_15_minutes(ressource, participant):
    posted_at = timezone.now()  # sessions last 8 hours: stay near the real time
    comment = say(ressource, participant, "Premier jet", created_at=posted_at)
    client = signed_in(participant)
    url = reverse("ressources_comment_edit", args=[comment.pk])
    with time_machine.travel(posted_at + timedelta(minutes=14, seconds=59), tick=False):
        assert "Modifier" in text(client.get(ressource.url))
        form = client.get(url)
        assert form.status_code == 200
        assert "Premier jet" in text(form)
        response = client.post(url, {"body": "Version relue"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Version relue"
    assert comment.edited_at is not None
    assert "(modifié)" in text(client.get(ressource.url))


def test_after_15_minutes_the_edit_is_refused_and_the_text_kept(ressource, participant):
    posted_at = timezone.now()
    comment = say(ressource, participant, "Premier jet", created_at=posted_at)
    client = signed_in(participant)
    url = reverse("ressources_comment_edit", args=[comment.pk])
    with time_machine.travel(posted_at + timedelta(minutes=15, seconds=1), tick=False):
        assert reverse("ressources_comment_edit", args=[comment.pk]) not in text(
            client.get(ressource.url)
        )
        response = client.post(url, {"body": "Ma version soignée, tapée trop tard"})
    assert response.status_code == 403
    page = text(response)
    assert "ce délai est passé" in page
    assert "Ma version soignée, tapée trop tard" in page
    comment.refresh_from_db()
    assert comment.body == "Premier jet"


def test_nobody_edits_someone_elses_comment(ressource, participant, other_participant):
    comment = say(ressource, participant, "À moi")
    response = signed_in(other_participant).post(
        reverse("ressources_comment_edit", args=[comment.pk]), {"body": "Changé"}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "À moi"


def test_an_invalid_edit_keeps_the_text(ressource, participant):
    comment = say(ressource, participant, "Court")
    long_text = "é" * 5001
    response = signed_in(participant).post(
        reverse("ressources_comment_edit", args=[comment.pk]), {"body": long_text}
    )
    assert response.status_code == 200
    assert "5000 caractères" in text(response)
    assert long_text in text(response)


# --- Hostile input ---------------------------------------------------------------------------


def test_a_script_is_shown_as_text_never_run(ressource, participant, client):
    post(signed_in(participant), ressource, '<script>alert("x")</script><b>gras</b>')
    page = client.get(ressource.url).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;" in page


def test_addresses_become_links_that_search_engines_do_not_follow(ressource, participant, client):
    body = "Voir https://www.service-public.fr/particuliers?a=1&b=2. Ou (http://exemple.fr/x)."
    post(signed_in(participant), ressource, body)
    page = client.get(ressource.url).content.decode()
    assert (
        '<a href="https://www.service-public.fr/particuliers?a=1&amp;b=2" '
        'rel="nofollow ugc noopener">https://www.service-public.fr/particuliers?a=1&amp;b=2</a>.'
    ) in page
    assert '<a href="http://exemple.fr/x" rel="nofollow ugc noopener">http://exemple.fr/x</a>)' in (
        page
    )


@pytest.mark.parametrize(
    "body",
    [
        "javascript:alert(1)",
        '<a href="javascript:alert(1)">clic</a>',
        "data:text/html,<script>alert(1)</script>",
        'https://exemple.fr/"onmouseover="alert(1)',
        "https://exemple.fr/'><img src=x onerror=alert(1)>",
        "http://",
        "http://[oups",
    ],
)
def test_hostile_addresses_never_become_markup(ressource, participant, client, body):
    post(signed_in(participant), ressource, body)
    assert Comment.objects.get().body == body
    section = client.get(ressource.url).content.decode().split('id="commentaires"')[1]
    assert 'href="javascript' not in section
    assert 'href="data' not in section
    assert "<img" not in section
    assert "<script" not in section
    assert 'onmouseover="' not in section


def test_a_quote_ends_an_address(ressource, participant, client):
    post(signed_in(participant), ressource, 'Le site "https://exemple.fr/a" est utile.')
    section = client.get(ressource.url).content.decode().split('id="commentaires"')[1]
    assert (
        '<a href="https://exemple.fr/a" rel="nofollow ugc noopener">https://exemple.fr/a</a>'
        in (section)
    )


def test_a_100_kb_comment_is_refused_in_french(ressource, participant):
    response = post(signed_in(participant), ressource, "a" * 100 * 1024)
    assert response.status_code == 413
    page = text(response)
    assert "Envoi trop volumineux" in page
    assert "Raccourcissez votre texte" in page
    assert not Comment.objects.exists()


def test_a_comment_over_5000_characters_is_refused_and_kept(ressource, participant):
    body = "Un long retour d'expérience. " * 200  # 5,800 characters, within the guard's size
    response = post(signed_in(participant), ressource, body, is_question="on")
    assert response.status_code == 200
    page = text(response)
    assert "Un commentaire fait au plus 5000 caractères" in page
    assert body.strip() in page
    assert 'name="is_question" id="id_is_question" checked' in page
    assert not Comment.objects.exists()


def test_fifty_links_are_refused_with_the_text_kept(ressource, participant):
    body = "\n".join(f"https://exemple.fr/page-{n}" for n in range(50))
    response = post(signed_in(participant), ressource, body)
    page = text(response)
    assert "Un commentaire contient au plus 10 liens ; le vôtre en a 50." in page
    assert "https://exemple.fr/page-49" in page
    assert not Comment.objects.exists()


def test_ten_links_are_accepted(ressource, participant):
    body = " ".join(f"https://exemple.fr/{n}" for n in range(10))
    post(signed_in(participant), ressource, body)
    assert Comment.objects.get().body == body


def test_an_empty_comment_is_refused_in_french(ressource, participant):
    response = post(signed_in(participant), ressource, "   ")
    assert "Écrivez votre commentaire avant de l'envoyer." in text(response)
    assert not Comment.objects.exists()


def test_an_invalid_reply_keeps_its_text_in_its_own_thread(ressource, participant):
    top = say(ressource, participant, "Question de départ")
    body = " ".join(f"https://exemple.fr/{n}" for n in range(11))
    response = post(signed_in(participant), ressource, body, reponse_a=str(top.pk))
    page = text(response)
    assert "au plus 10 liens" in page
    assert '<details class="comments__reply" open>' in page
    assert f'id="id_reponse{top.pk}_body"' in page
    assert "https://exemple.fr/10</textarea>" in page


def test_the_honeypot_refuses_robots(ressource, participant):
    response = post(signed_in(participant), ressource, "Achetez !", site_web="spam.example")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_posting_needs_the_csrf_token(ressource, participant):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(participant)
    response = post(client, ressource, "Sans jeton")
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_too_many_comments_in_an_hour_are_refused_in_french(ressource, participant):
    client = signed_in(participant)
    for n in range(30):
        assert post(client, ressource, f"Commentaire {n}").status_code == 302
    response = post(client, ressource, "Un de trop")
    assert response.status_code == 429
    assert "Trop de demandes" in text(response)
    assert Comment.objects.count() == 30


# --- Moderation ------------------------------------------------------------------------------


def test_a_hidden_comment_is_masked_for_all_but_moderators(
    ressource, participant, other_participant, facilitator, client
):
    comment = say(ressource, participant, "Propos déplacé")
    reply = say(ressource, other_participant, "Réponse qui reste", parent=comment)
    response = signed_in(facilitator).post(
        reverse("ressources_comment_hide", args=[comment.pk]), {"masquer": "1"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_by == facilitator and comment.hidden_at is not None

    for viewer in (client, signed_in(participant), signed_in(other_participant)):
        page = text(viewer.get(ressource.url))
        assert "Commentaire masqué par la modération" in page
        assert "Propos déplacé" not in page
        assert "Réponse qui reste" in page
        assert f'name="reponse_a" value="{comment.pk}"' not in page
    moderator_view = text(signed_in(facilitator).get(ressource.url))
    assert "Propos déplacé" in moderator_view
    assert "Masqué par animatrice" in moderator_view
    assert "Commentaires et questions (1)" in moderator_view  # the hidden one is not counted
    assert reply.pk

    signed_in(facilitator).post(
        reverse("ressources_comment_hide", args=[comment.pk]), {"masquer": "0"}
    )
    comment.refresh_from_db()
    assert comment.hidden_at is None and comment.hidden_by is None
    assert "Propos déplacé" in text(client.get(ressource.url))


def test_a_hidden_comment_gets_no_reply(ressource, participant, facilitator):
    comment = say(ressource, participant, hidden_at=timezone.now(), hidden_by=facilitator)
    response = post(signed_in(participant), ressource, "Je réponds", reponse_a=str(comment.pk))
    assert "masqué par la modération : on ne peut plus y répondre" in text(response)
    assert Comment.objects.count() == 1


def test_a_participant_cannot_hide(ressource, participant, other_participant):
    comment = say(ressource, participant)
    response = signed_in(other_participant).post(
        reverse("ressources_comment_hide", args=[comment.pk]), {"masquer": "1"}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_a_report_is_taken_once_and_moderators_see_it(
    ressource, participant, other_participant, facilitator
):
    comment = say(ressource, participant, "Publicité pour mon garage")
    client = signed_in(other_participant)
    url = reverse("ressources_comment_report", args=[comment.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Publicité pour mon garage" in text(form)
    client.post(url, {"reason": "C'est de la publicité"})
    again = client.post(url, {"reason": "Encore"}, follow=True)
    assert "Vous avez déjà signalé ce commentaire" in text(again)
    report = CommentReport.objects.get()
    assert (report.reporter, report.reason) == (other_participant, "C'est de la publicité")
    assert "Vous avez signalé ce commentaire." in text(client.get(ressource.url))

    moderator = signed_in(facilitator)
    listing = text(moderator.get(reverse("ressources_comments_reported")))
    assert "Publicité pour mon garage" in listing
    assert "C'est de la publicité" in listing
    assert "1 signalement à traiter" in text(moderator.get(ressource.url))

    response = moderator.post(
        reverse("ressources_comment_hide", args=[comment.pk]),
        {"masquer": "1", "next": reverse("ressources_comments_reported")},
    )
    assert response["Location"] == reverse("ressources_comments_reported")
    report.refresh_from_db()
    assert report.handled_at is not None
    assert "Aucun commentaire signalé" in text(
        moderator.get(reverse("ressources_comments_reported"))
    )


def test_a_moderator_keeps_a_reported_comment(
    ressource, participant, other_participant, facilitator
):
    comment = say(ressource, participant, "Un avis tranché")
    CommentReport.objects.create(comment=comment, reporter=other_participant)
    signed_in(facilitator).post(reverse("ressources_comment_keep", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert CommentReport.objects.get().handled_at is not None


def test_the_reported_list_is_for_moderators_only(home, participant):
    response = signed_in(participant).get(reverse("ressources_comments_reported"))
    assert response.status_code == 403


def test_an_unsafe_next_is_ignored(ressource, participant, facilitator):
    comment = say(ressource, participant)
    response = signed_in(facilitator).post(
        reverse("ressources_comment_hide", args=[comment.pk]),
        {"masquer": "1", "next": "https://ailleurs.example/"},
    )
    assert response["Location"] == f"{ressource.url}#commentaire-{comment.pk}"


def test_comments_of_an_unpublished_resource_are_out_of_reach(ressource, participant):
    comment = say(ressource, participant)
    ressource.unpublish()
    response = signed_in(participant).get(reverse("ressources_comment_report", args=[comment.pk]))
    assert response.status_code == 404


# --- Selectors -------------------------------------------------------------------------------


def test_comments_between_takes_visible_comments_on_public_resources_in_the_window(
    ressource, wiki, participant, facilitator
):
    start, end = NOON, NOON + timedelta(days=1)
    inside = say(ressource, participant, "Dedans", created_at=start)
    say(ressource, participant, "Avant", created_at=start - timedelta(seconds=1))
    say(ressource, participant, "À la fin", created_at=end)  # the window is [start, end)
    say(ressource, participant, "Masqué", created_at=start, hidden_at=end, hidden_by=facilitator)
    draft = RessourcePageFactory(parent=wiki)
    say(draft, participant, "Sur un brouillon", created_at=start)
    draft.unpublish()
    private = RessourcePageFactory(parent=wiki)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    say(private, participant, "Sur une page réservée", created_at=start)

    found = list(selectors.comments_between(start, end))
    assert found == [inside]
    assert found[0].page.title == ressource.title


def test_most_discussed_counts_visible_comments_of_the_last_90_days(
    ressource, wiki, participant, facilitator
):
    calm = RessourcePageFactory(parent=wiki, title="Calme")
    busy = RessourcePageFactory(parent=wiki, title="Animée")
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            say(busy, participant)
        say(ressource, participant)
        say(ressource, participant, hidden_at=NOON, hidden_by=facilitator)
        say(calm, participant, created_at=NOON - timedelta(days=91))
        ranked = selectors.most_discussed(5)
    assert [(page.title, page.comment_count) for page in ranked] == [
        ("Animée", 3),
        (ressource.title, 1),
    ]


def test_open_questions_are_the_newest_unanswered_visible_ones(ressource, participant, facilitator):
    old = say(ressource, participant, "Ancienne", is_question=True, created_at=NOON)
    new = say(ressource, participant, "Récente", is_question=True, created_at=NOON + timedelta(1))
    say(ressource, participant, "Résolue", is_question=True, answered_at=NOON)
    say(ressource, participant, "Masquée", is_question=True, hidden_at=NOON, hidden_by=facilitator)
    say(ressource, participant, "Simple remarque")
    assert selectors.open_questions(5) == [new, old]
    assert selectors.open_questions(1) == [new]


# --- Query counts ----------------------------------------------------------------------------


def _discussion(page, people, count: int) -> None:
    for n in range(count):
        top = say(page, people[n % len(people)], f"Remarque {n}", is_question=n % 2 == 0)
        say(page, people[(n + 1) % len(people)], f"Réponse {n}", parent=top)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_resource_page_does_not_query_more_for_more_comments(
    ressource, participant, other_participant, facilitator, client
):
    """For a moderator (who sees everything), a participant and a visitor alike."""
    people = [participant, other_participant, facilitator]
    _discussion(ressource, people, 2)
    CommentReport.objects.create(comment=Comment.objects.first(), reporter=participant)
    viewers = [signed_in(facilitator), signed_in(participant), client]
    for viewer in viewers:
        viewer.get(ressource.url)  # sessions and the site's root paths are warm in production
    before = [_queries(viewer, ressource.url) for viewer in viewers]
    _discussion(ressource, people, 30)
    for viewer in viewers:
        # Any write renews what each process keeps until the next one (the navigation).
        viewer.get(ressource.url)
    after = [_queries(viewer, ressource.url) for viewer in viewers]
    assert after == before


@pytest.mark.parametrize("count", [2, 20])
def test_the_discussion_takes_six_queries_whatever_its_size(
    ressource, participant, other_participant, count, rf, django_assert_max_num_queries
):
    from ressources.discussion import page_context

    _discussion(ressource, [participant, other_participant], count)
    request = rf.get(ressource.url)
    request.user = other_participant
    ressource.get_url(request)  # the site's root paths, cached for the request
    # page_comments (2), may_moderate, may_comment, reported_by; may_edit reads the
    # page permissions (1) only because there are others' questions to mark answered.
    with django_assert_max_num_queries(6):
        context = page_context(request, ressource)
    assert len(context["discussion"]["threads"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_wiki_home_reads_questions_and_discussed_pages_in_two_queries(
    ressource, wiki, participant, count, rf, django_assert_max_num_queries
):
    from ressources.discussion import home_context

    for n in range(count):
        page = RessourcePageFactory(parent=wiki, title=f"Fiche {n}")
        say(page, participant, f"Question {n}", is_question=True)
    request = rf.get(wiki.url)
    request.user = participant
    with django_assert_max_num_queries(3):  # may_moderate, open questions, most discussed
        context = home_context(request, wiki)
    assert len(context["discussion_home"]["open_questions"]) == min(count, 5)


# --- Personal data ---------------------------------------------------------------------------


def test_export_lists_a_persons_comments_and_reports(ressource, participant, other_participant):
    question = say(ressource, participant, "Ma question", is_question=True)
    say(ressource, participant, "Ma réponse", parent=question)
    CommentReport.objects.create(
        comment=say(ressource, other_participant, "Autre"),
        reporter=participant,
        reason="Hors sujet",
    )
    data = export_data(participant)
    json.dumps(data)  # the export is written as JSON
    assert [item["text"] for item in data["comments"]] == ["Ma question", "Ma réponse"]
    assert data["comments"][0]["question"] is True
    assert data["comments"][1]["reply_to"] == question.pk
    assert data["comments"][0]["ressource"] == ressource.title
    assert data["comment_reports"][0]["reason"] == "Hors sujet"
    assert export_data(other_participant)["comment_reports"] == []
