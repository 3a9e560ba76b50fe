"""A resource's public history: its versions, one past version, two compared, restoring one,
and "modifiée depuis votre dernière visite"."""

import datetime
import re

import pytest
import time_machine

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from ressources import history
from ressources.factories import RessourcePageFactory
from ressources.models import RessourcePage, Visit
from tests.clients import signed_in, text
from tests.ressources.editor import editor_post

MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def publish(page, user, at, **changes):
    """A participant publishes a new version of the page at a given time."""
    with time_machine.travel(at, tick=False):
        page = RessourcePage.objects.get(pk=page.pk)
        for name, value in changes.items():
            setattr(page, name, value)
        revision = page.save_revision(user=user)
        revision.publish(user=user)
    return revision


def draft(page, user, at, **changes):
    with time_machine.travel(at, tick=False):
        page = RessourcePage.objects.get(pk=page.pk)
        for name, value in changes.items():
            setattr(page, name, value)
        return page.save_revision(user=user)


def steps(*titles):
    return {
        "type": "steps",
        "id": "steps-1",
        "value": {"steps": [{"title": title, "text": ""} for title in titles]},
    }


def checklist(*items):
    return {"type": "checklist", "id": "check-1", "value": {"title": "À vérifier", "items": items}}


def table(*rows):
    return {
        "type": "table",
        "id": "table-1",
        "value": {
            "caption": "Qui fait quoi",
            "columns": ["Demande", "Vers"],
            "rows": [{"cells": list(row)} for row in rows],
        },
    }


def paragraph(block_id, html):
    return {"type": "paragraph", "id": block_id, "value": html}


@pytest.fixture
def camille(participant):
    participant.first_name, participant.last_name = "Camille", "Martin"
    participant.save()
    return participant


@pytest.fixture
def dominique(other_participant):
    """A participant whose login is an e-mail address and who gave no name."""
    other_participant.username = "dominique@example.org"
    other_participant.save()
    return other_participant


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user(username="voisin", password="x")


@pytest.fixture
def two_versions(ressource, camille, dominique):
    first = publish(ressource, camille, MONDAY, body=[steps("Écouter", "Appeler")])
    second = publish(
        ressource,
        dominique,
        MONDAY + DAY,
        summary="Quand une demande dépasse l'atelier, vers qui la confier sans la perdre.",
    )
    return first, second


def history_url(page):
    return page.url + "historique/"


def compare_url(page, old, new):
    return f"{page.url}comparer/?de={old}&a={new}"


def main(response) -> str:
    return text(response).split("<main")[1].split("</main>")[0]


# --- The history ----------------------------------------------------------------------------


def test_the_history_lists_each_publication_with_its_author_date_and_words_changed(
    client, ressource, two_versions
):
    first, second = two_versions
    page = main(client.get(history_url(ressource)))
    assert "Historique de « Réorienter une demande »" in page
    assert "2 versions" in page
    newest, oldest = page.split('class="history-entry"')[1:]
    assert "Version du 24 novembre 2026 à 10\xa0h\xa000" in newest
    assert "version actuelle" in newest
    assert "par dominique<" in newest and "example.org" not in page
    assert "5 mots ajoutés, 2 mots supprimés" in newest
    assert f"comparer/?de={first.pk}&amp;a={second.pk}" in newest
    assert "Version du 23 novembre 2026 à 10\xa0h\xa000" in oldest
    assert "par Camille Martin" in oldest and "Première version" in oldest
    assert f'href="/ressources/reorienter-une-demande/historique/{first.pk}/"' in oldest


def test_the_resource_links_its_history(client, ressource):
    page = text(client.get(ressource.url))
    assert f'<a href="{history_url(ressource)}">Historique des versions</a>' in page


def test_drafts_stay_out_of_the_public_history_and_editors_see_them(
    client, ressource, two_versions, camille, outsider
):
    secret = draft(ressource, camille, MONDAY + 2 * DAY, summary="Brouillon à relire")
    for reader in (client, signed_in(outsider)):
        page = main(reader.get(history_url(ressource)))
        assert "2 versions" in page and "brouillon" not in page
        assert reader.get(f"{history_url(ressource)}{secret.pk}/").status_code == 404
        response = reader.get(compare_url(ressource, two_versions[1].pk, secret.pk))
        assert response.status_code == 404
        assert "Brouillon à relire" not in text(response)
    page = main(signed_in(camille).get(history_url(ressource)))
    assert "3 versions" in page and "brouillon, jamais publié" in page
    assert "Brouillon à relire" in text(
        signed_in(camille).get(f"{history_url(ressource)}{secret.pk}/")
    )


def test_the_history_pages_by_twenty_and_compares_the_last_shown_with_the_one_before(
    client, ressource, camille
):
    for n in range(23):
        publish(ressource, camille, MONDAY + n * HOUR, summary=f"Résumé numéro {n}")
    first_page = main(client.get(history_url(ressource)))
    assert first_page.count('class="history-entry"') == 20
    assert "23 versions" in first_page and "Page 1 sur 2" in first_page
    assert "Première version" not in first_page
    assert first_page.count("1 mot ajouté, 1 mot supprimé") == 20
    second_page = main(client.get(history_url(ressource), {"page": 2}))
    assert second_page.count('class="history-entry"') == 3
    assert "Première version" in second_page
    for hostile in ("abc", "-1", "99999999999999999999", "<script>"):
        response = client.get(history_url(ressource), {"page": hostile})
        assert response.status_code == 200
        assert "<script>" not in main(response)


def test_a_resource_without_any_revision_has_an_empty_history(client, wiki):
    page = RessourcePageFactory(parent=wiki, title="Sans révision")
    response = client.get(history_url(page))
    assert response.status_code == 200
    assert "pas encore de version enregistrée" in text(response)


def test_the_history_costs_the_same_queries_for_2_or_20_versions(
    client, ressource, camille, database_cache
):
    def queries() -> int:
        client.get(history_url(ressource))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(history_url(ressource)).status_code == 200
        return len(captured)

    for n in range(2):
        publish(ressource, camille, MONDAY + n * HOUR, summary=f"Résumé {n}")
    few = queries()
    for n in range(2, 20):
        publish(ressource, camille, MONDAY + n * HOUR, summary=f"Résumé {n}")
    assert queries() == few


# --- One past version -----------------------------------------------------------------------


def test_a_past_version_is_shown_read_only_under_a_banner(client, ressource, two_versions):
    first, second = two_versions
    page = main(client.get(f"{history_url(ressource)}{first.pk}/"))
    assert "Version du 23 novembre 2026 à 10\xa0h\xa000 : ce n'est pas la version actuelle." in page
    assert "Publiée par Camille Martin." in page
    assert "Quand une demande dépasse l'atelier, vers qui se tourner." in page
    assert "vers qui la confier" not in page
    assert "Écouter" in page and "Appeler" in page
    assert f"comparer/?de={first.pk}&amp;a={second.pk}" in page
    assert "Restaurer" not in page and "<form" not in page
    current = main(client.get(f"{history_url(ressource)}{second.pk}/"))
    assert "c'est la version actuelle." in current
    assert "Comparer avec la version actuelle" not in current
    assert '<meta name="robots" content="noindex">' in text(client.get(history_url(ressource)))


@pytest.mark.parametrize("revision_id", ["0", "999999", "99999999999999999999"])
def test_an_unknown_version_is_not_found(client, ressource, two_versions, revision_id):
    assert client.get(f"{history_url(ressource)}{revision_id}/").status_code == 404


def test_a_version_of_another_resource_is_not_found_here(client, wiki, ressource, camille):
    other = RessourcePageFactory(parent=wiki, title="Trouver des bénévoles")
    elsewhere = publish(other, camille, MONDAY, summary="Ailleurs")
    publish(ressource, camille, MONDAY)
    assert client.get(f"{history_url(ressource)}{elsewhere.pk}/").status_code == 404
    assert client.get(f"{history_url(other)}{elsewhere.pk}/").status_code == 200


# --- Restoring ------------------------------------------------------------------------------


def test_a_participant_restores_a_version_through_wagtails_editor(ressource, camille, dominique):
    first = publish(ressource, camille, MONDAY, summary="Le résumé de Camille.")
    second = publish(ressource, dominique, MONDAY + DAY, summary="Le résumé de Dominique.")
    editor = signed_in(camille)
    page = main(editor.get(f"{history_url(ressource)}{first.pk}/"))
    revert = f"/admin/pages/{ressource.pk}/revisions/{first.pk}/revert/"
    assert f'href="{revert}"' in page and "Restaurer cette version" in page

    form = editor.get(revert)
    assert form.status_code == 200
    assert "Le résumé de Camille." in text(form)  # the editor opened on the old content
    old = RessourcePage.objects.get(pk=ressource.pk).revisions.get(pk=first.pk).as_object()
    with time_machine.travel(MONDAY + 2 * DAY, tick=False):
        # Sessions last 8 hours: sign in again on the day of the restoring.
        assert signed_in(camille).post(revert, editor_post(old)).status_code == 302
    live = RessourcePage.objects.get(pk=ressource.pk)
    assert live.summary == "Le résumé de Camille."
    assert live.live_revision_id not in (first.pk, second.pk)
    listing = main(editor.get(history_url(ressource)))
    assert "3 versions" in listing
    restored = main(editor.get(compare_url(ressource, second.pk, live.live_revision_id)))
    assert '<del><span class="visually-hidden">[début de suppression] </span>Dominique.' in restored


def test_visitors_and_people_outside_the_network_cannot_restore(
    client, ressource, two_versions, outsider
):
    first, second = two_versions
    revert = f"/admin/pages/{ressource.pk}/revisions/{first.pk}/revert/"
    for reader in (client, signed_in(outsider)):
        assert "Restaurer" not in text(reader.get(f"{history_url(ressource)}{first.pk}/"))
        response = reader.get(revert)
        assert response.status_code in (302, 403)
        assert "vers qui se tourner" not in text(response)
        page = RessourcePage.objects.get(pk=ressource.pk)
        reader.post(revert, editor_post(page, summary="Restauré par un intrus"))
    assert RessourcePage.objects.get(pk=ressource.pk).live_revision_id == second.pk
    assert ressource.revisions.count() == 2


# --- Two versions compared ------------------------------------------------------------------


def test_comparing_highlights_words_added_and_removed_in_title_summary_and_blocks(
    client, ressource, camille, dominique
):
    old = publish(
        ressource,
        camille,
        MONDAY,
        body=[
            steps("Écouter la demande", "Appeler la structure"),
            checklist("Horaires à jour", "Un contact"),
            table(("Réparer", "Repair café"), ("Apprendre", "Médiathèque")),
            paragraph("p-1", "<p>Un paragraphe qui <b>ne change pas</b>.</p>"),
            paragraph("p-2", "<p>Un paragraphe bientôt supprimé.</p>"),
        ],
    )
    new = publish(
        ressource,
        dominique,
        MONDAY + DAY,
        title="Réorienter une demande complexe",
        body=[
            steps("Écouter toute la demande", "Appeler la structure", "Prévenir la personne"),
            checklist("Horaires vérifiés", "Un contact"),
            table(("Réparer", "Repair café"), ("Apprendre", "Espace numérique")),
            paragraph("p-1", "<p>Un paragraphe qui <b>ne change pas</b>.</p>"),
            paragraph("p-3", "<p>Un paragraphe tout neuf &amp; utile.</p>"),
        ],
    )
    response = client.get(compare_url(ressource, old.pk, new.pk))
    assert response.status_code == 200
    page = main(response)
    assert "(par Camille Martin)" in page and "(par dominique)" in page

    def section(label):
        found = re.search(
            rf"<h2[^>]*>{label} <span[^>]*>\((\w+)\)</span></h2>(.*?)</section>", page, re.S
        )
        assert found, label
        return found.group(1), found.group(2)

    def marked(tag, html):
        return [
            re.sub(r"<span class=\"visually-hidden\">[^<]*</span>", "", chunk)
            for chunk in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        ]

    status, title = section("Titre")
    assert status == "modifié" and marked("ins", title) == ["complexe"] and not marked("del", title)
    status, step_diff = section("Étapes numérotées")
    assert marked("ins", step_diff) == ["toute", "Prévenir la personne"]
    status, check = section("Liste à cocher")
    assert marked("del", check) == ["à jour"] and marked("ins", check) == ["vérifiés"]
    status, tableau = section("Tableau")
    assert marked("del", tableau) == ["Médiathèque"] and marked("ins", tableau) == [
        "Espace numérique"
    ]
    assert "Réparer | Repair café" in tableau
    removed = re.findall(r"Paragraphe <span[^>]*>\((\w+)\)</span></h2>(.*?)</section>", page, re.S)
    assert [(status, marked("del", body) + marked("ins", body)) for status, body in removed] == [
        ("supprimé", ["Un paragraphe bientôt supprimé."]),
        ("ajouté", ["Un paragraphe tout neuf &amp; utile."]),
    ]
    assert "ne change pas" not in page
    assert "1 partie inchangée" not in page and "parties inchangées ne sont pas affichées" in page
    # Screen readers hear what colour and strike-through show.
    assert '<ins><span class="visually-hidden">[début d\'ajout] </span>complexe' in page
    assert '<del><span class="visually-hidden">[début de suppression] </span>à jour' in page


def test_versions_compared_in_either_order_read_from_older_to_newer(
    client, ressource, two_versions
):
    first, second = two_versions
    forwards = main(client.get(compare_url(ressource, first.pk, second.pk)))
    backwards = main(client.get(compare_url(ressource, second.pk, first.pk)))
    assert forwards == backwards
    assert "<ins>" in forwards and "la confier sans la perdre" in forwards


def test_a_version_compared_with_itself_has_nothing_highlighted(client, ressource, two_versions):
    page = main(client.get(compare_url(ressource, two_versions[0].pk, two_versions[0].pk)))
    assert "Le texte de ces deux versions est identique." in page
    assert "<ins>" not in page and "<del>" not in page


def test_the_history_offers_a_form_to_compare_any_two_versions(client, ressource, two_versions):
    first, second = two_versions
    page = main(client.get(history_url(ressource)))
    form = page.split('<form class="history-compare"')[1].split("</form>")[0]
    assert 'action="/ressources/reorienter-une-demande/comparer/"' in form
    assert '<label for="id_de">Version de départ' in form
    assert '<label for="id_a">Version d\'arrivée' in form
    assert f'<option value="{first.pk}" selected>23 novembre 2026' in form
    assert f'<option value="{second.pk}" selected>24 novembre 2026' in form


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "Choisissez la version de départ."),
        ("de=1", 400, "Choisissez la version d'arrivée."),
        ("de=abc&a=2", 400, "La version de départ n'est pas valide."),
        ("de=<script>alert(1)</script>&a=2", 400, "La version de départ n'est pas valide."),
        ("de=1&a=-5", 400, "La version d'arrivée n'est pas valide."),
        ("de=1&a=99999999999999999999999", 400, "La version d'arrivée n'est pas valide."),
        ("de=1&a=" + "9" * 5000, 400, "La version d'arrivée n'est pas valide."),
        ("de=999998&a=999999", 404, "Cette version n'existe pas"),
    ],
)
def test_bad_comparisons_get_a_french_message_never_an_error(
    client, ressource, two_versions, query, status, message
):
    response = client.get(f"{ressource.url}comparer/?{query}")
    assert response.status_code == status
    page = main(response)
    assert message in page
    assert "<script>" not in page
    assert f'href="{history_url(ressource)}"' in page


def test_a_version_of_another_resource_cannot_be_compared_here(client, wiki, ressource, camille):
    other = RessourcePageFactory(parent=wiki, title="Trouver des bénévoles")
    elsewhere = publish(other, camille, MONDAY, summary="Un secret d'ailleurs")
    here = publish(ressource, camille, MONDAY)
    response = client.get(compare_url(ressource, here.pk, elsewhere.pk))
    assert response.status_code == 404
    assert "n'est pas une version de cette ressource" in text(response)
    assert "secret" not in text(response)


def test_comparing_costs_a_pinned_number_of_queries_whatever_the_history(
    client, ressource, camille, django_assert_max_num_queries, database_cache
):
    """The comparison is a benchmark target, pinned at 17 queries: 8 to find the page (site,
    tree, view restrictions), 4 of its own (both revisions at once, then the names of the
    themes, tags and pages (structures, methods) they chose) and 5 for the site's header and
    footer."""
    ressource.tags.add("orientation")
    old = publish(ressource, camille, MONDAY, body=[steps("Un", "Deux")])
    for n in range(1, 15):
        new = publish(ressource, camille, MONDAY + n * HOUR, body=[steps("Un", "Deux", str(n))])
    url = compare_url(ressource, old.pk, new.pk)
    client.get(url)
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


# --- Modifiée depuis votre dernière visite --------------------------------------------------


def test_a_participant_is_told_what_changed_since_their_last_visit(
    ressource, camille, dominique, two_versions
):
    first, second = two_versions
    with time_machine.travel(MONDAY + 2 * DAY, tick=False):
        assert "depuis votre dernière visite" not in text(signed_in(camille).get(ressource.url))
    third = publish(ressource, dominique, MONDAY + 3 * DAY, summary="Une troisième version.")
    with time_machine.travel(MONDAY + 4 * DAY, tick=False):
        page = text(signed_in(camille).get(ressource.url))
    assert (
        "Cette ressource a été modifiée depuis votre dernière visite, le 25 novembre 2026." in page
    )
    assert f'href="{compare_url(ressource, second.pk, third.pk).replace("&", "&amp;")}"' in page
    with time_machine.travel(MONDAY + 5 * DAY, tick=False):
        assert "depuis votre dernière visite" not in text(signed_in(camille).get(ressource.url))
    assert Visit.objects.get(user=camille, page=ressource).seen_at == MONDAY + 5 * DAY


def test_ones_own_publications_are_not_news_and_visitors_leave_no_trace(
    client, ressource, camille, two_versions
):
    with time_machine.travel(MONDAY + 2 * DAY, tick=False):
        signed_in(camille).get(ressource.url)
    publish(ressource, camille, MONDAY + 3 * DAY, summary="Ma propre modification.")
    with time_machine.travel(MONDAY + 4 * DAY, tick=False):
        assert "depuis votre dernière visite" not in text(signed_in(camille).get(ressource.url))
        client.get(ressource.url)
    assert Visit.objects.filter(page=ressource).count() == 1


def test_the_visit_costs_two_queries_whatever_changed(ressource, camille, dominique):
    def context_queries(at) -> tuple[int, dict]:
        request = RequestFactory().get(ressource.url)
        request.user = camille
        with time_machine.travel(at, tick=False):
            page = RessourcePage.objects.get(pk=ressource.pk)
            page.get_url(request)  # the site's root paths, read once per request anyway
            with CaptureQueriesContext(connection) as captured:
                context = history.page_context(request, page)
        return len(captured), context

    assert context_queries(MONDAY)[0] == 2  # first visit: nothing to tell
    for n in range(10):
        publish(ressource, dominique, MONDAY + (n + 1) * HOUR, summary=f"Version {n}")
    count, context = context_queries(MONDAY + DAY)
    assert count == 2 and context["history_changed"]
    count, context = context_queries(MONDAY + 2 * DAY)
    assert count == 2 and not context["history_changed"]

    request = RequestFactory().get(ressource.url)
    request.user = AnonymousUser()
    ressource.get_url(request)
    with CaptureQueriesContext(connection) as captured:
        history.page_context(request, ressource)
    assert len(captured) == 0


def test_the_resource_page_costs_the_same_queries_with_a_long_history_and_news(
    client, ressource, camille, dominique, database_cache
):
    def queries(at) -> tuple[int, str]:
        with time_machine.travel(at, tick=False):
            client.get(ressource.url)  # the cached site root paths, whose expiry is not ours
            reader = signed_in(camille)
            with CaptureQueriesContext(connection) as captured:
                response = reader.get(ressource.url)
        assert response.status_code == 200
        return len(captured), text(response)

    publish(ressource, dominique, MONDAY)
    queries(MONDAY + HOUR)
    quiet, page = queries(MONDAY + 2 * HOUR)
    assert "depuis votre dernière visite" not in page
    for n in range(12):
        publish(ressource, dominique, MONDAY + 3 * HOUR + n * datetime.timedelta(minutes=1))
    busy, page = queries(MONDAY + DAY)
    assert "depuis votre dernière visite" in page
    assert busy == quiet


def test_the_editor_preview_records_no_visit(ressource, camille):
    request = RequestFactory().get(ressource.url)
    request.user, request.is_preview = camille, True
    assert history.page_context(request, ressource)["history_changed"] is None
    assert not Visit.objects.filter(user=camille).exists()
