"""The wiki in "Mon espace" and in "exporter mes données"."""

import json

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from ressources.following import follow
from ressources.models import Comment, CommentReport
from tests.clients import signed_in, text


def say(page, author, body, **fields) -> Comment:
    return Comment.objects.create(page=page, author=author, body=body, **fields)


def wiki_block(client) -> str:
    page = text(client.get(reverse("my_space")))
    assert '<h2 id="mon-wiki">Le wiki des ressources</h2>' in page
    return page.split('id="mon-wiki"')[1].split("</section>")[0]


def test_my_space_lists_what_i_follow_my_open_questions_and_my_comments(
    ressource, participant, other_participant, facilitator
):
    follow(user=participant, page=ressource)
    follow(user=participant, tag=ressource.tags.get(slug="partenariat"))
    follow(user=participant)
    question = say(ressource, participant, "Qui appeler pour une réparation ?", is_question=True)
    say(ressource, participant, "Merci pour la fiche <script>alert(1)</script>")
    say(
        ressource,
        participant,
        "Une question réglée ?",
        is_question=True,
        answered_at=timezone.now(),
    )
    say(ressource, participant, "Masqué par la modération", hidden_at=timezone.now())
    say(ressource, other_participant, "Pas de moi")

    block = wiki_block(signed_in(participant))
    assert "<li>Tout le wiki</li>" in block
    assert 'href="/ressources/?mot_cle=partenariat"' in block
    assert f'<a href="{ressource.url}">Réorienter une demande</a>' in block
    questions, comments = block.split("Mes questions en attente de réponse")[1].split(
        "Mes derniers commentaires"
    )
    assert f'href="{ressource.url}#commentaire-{question.pk}">Qui appeler' in questions
    assert "Une question réglée" not in questions and "Une question réglée" in comments
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in comments and "<script>alert" not in block
    assert "Masqué" not in block and "Pas de moi" not in block
    assert "signalé" not in block  # only moderators are told about reports


def test_a_participant_who_has_not_used_the_wiki_yet_is_invited_to_follow(participant, wiki):
    block = wiki_block(signed_in(participant))
    assert "Vous ne suivez rien pour l'instant" in block
    assert "Mes derniers commentaires" not in block


def test_an_account_outside_the_network_without_wiki_activity_gets_no_wiki_block(wiki):
    stranger = get_user_model().objects.create_user(username="personne")
    assert 'id="mon-wiki"' not in text(signed_in(stranger).get(reverse("my_space")))


def test_moderators_are_told_how_many_reported_comments_wait(
    ressource, participant, other_participant, facilitator
):
    comment = say(ressource, other_participant, "Hors sujet")
    CommentReport.objects.create(comment=comment, reporter=participant)
    block = wiki_block(signed_in(facilitator))
    assert "1 commentaire signalé attend votre décision" in block
    assert f'href="{reverse("ressources_comments_reported")}"' in block


def test_the_data_export_holds_the_wiki_comments_follows_and_visits(client, ressource, participant):
    follow(user=participant, page=ressource)
    say(ressource, participant, "Ma question", is_question=True)
    reader = signed_in(participant)
    reader.get(ressource.url)  # records the visit
    data = json.loads(reader.get(reverse("account_export")).content)["ressources"]
    assert [item["text"] for item in data["comments"]] == ["Ma question"]
    assert data["wiki_follows"][0]["page"] == "Réorienter une demande"
    assert data["wiki_digest"]["frequency"] == "hebdomadaire"
    assert [item["page_id"] for item in data["wiki_last_visits"]] == [ressource.pk]
