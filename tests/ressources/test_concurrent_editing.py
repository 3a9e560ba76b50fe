"""Two participants edit the same resource: Wagtail's own concurrent-editing detection holds on
the wiki, and neither edit is ever silently lost."""

import json

import pytest

from django.contrib.auth import get_user_model

from ressources.models import RessourcePage
from tests.clients import signed_in, text
from tests.ressources.editor import edit_url, editor_post, loaded_revision, ping_url


@pytest.fixture
def published(ressource, participant):
    ressource.save_revision(user=participant).publish(user=participant)
    return RessourcePage.objects.get(pk=ressource.pk)


class Editor:
    """One person with the resource open in Wagtail's editor."""

    def __init__(self, user, page):
        self.client = signed_in(user)
        self.page = page
        html = text(self.client.get(edit_url(page)))
        self.loaded = loaded_revision(html)
        self.ping_url = ping_url(html)

    def ping(self) -> list[dict]:
        """What the editor's banner is told: who else is here, and who saved a newer version."""
        response = self.client.post(
            self.ping_url,
            {
                "is_editing": "1",
                "revision_id": self.loaded["loaded_revision_id"],
                "revision_created_at": self.loaded["loaded_revision_created_at"],
            },
        )
        assert response.status_code == 200
        payload = json.loads(response.content)
        self.ping_url = payload["ping_url"]
        return payload["other_sessions"]

    def publish(self, **changes):
        return self.client.post(
            edit_url(self.page), editor_post(self.page, **changes, **self.loaded)
        )


def test_each_editor_is_told_the_other_has_the_resource_open(
    published, participant, other_participant
):
    first, second = Editor(participant, published), Editor(other_participant, published)
    first.ping()
    others = second.ping()
    assert [(other["user"], other["is_editing"]) for other in others] == [("camille", True)]


def test_a_publication_by_the_other_is_announced_to_the_one_still_editing(
    published, participant, other_participant
):
    first, second = Editor(participant, published), Editor(other_participant, published)
    first.ping(), second.ping()
    assert second.publish(summary="Version de Dominique").status_code == 302
    newest = RessourcePage.objects.get(pk=published.pk).latest_revision
    announced = first.ping()
    assert announced[0]["user"] == "dominique"
    assert announced[0]["revision_id"] == newest.pk


def test_a_stale_autosave_is_refused_and_saves_nothing(published, participant, other_participant):
    first, second = Editor(participant, published), Editor(other_participant, published)
    second.publish(summary="Version de Dominique")
    count = published.revisions.count()
    response = first.client.post(
        edit_url(published),
        editor_post(published, action="", summary="Brouillon de Camille", **first.loaded),
        HTTP_ACCEPT="application/json",
    )
    assert json.loads(response.content)["error_code"] == "invalid_revision"
    assert published.revisions.count() == count
    assert RessourcePage.objects.get(pk=published.pk).summary == "Version de Dominique"


def test_when_both_publish_both_versions_stay_in_the_history_to_compare(
    client, published, participant, other_participant
):
    """The later publication wins the page, never the history: the earlier one can be read,
    compared and restored."""
    first, second = Editor(participant, published), Editor(other_participant, published)
    second.publish(summary="Version de Dominique")
    first.publish(summary="Version de Camille")
    page = RessourcePage.objects.get(pk=published.pk)
    assert page.summary == "Version de Camille"
    participants, other_participants = page.revisions.order_by("-created_at", "-pk")[:2]
    history = text(client.get(f"{page.url}historique/"))
    assert (
        f"historique/{other_participants.pk}/" in history
        and f"historique/{participants.pk}/" in history
    )
    comparison = text(
        client.get(f"{page.url}comparer/?de={other_participants.pk}&a={participants.pk}")
    )
    assert "</span>Dominique<span" in comparison and "</span>Camille<span" in comparison


def test_someone_who_may_not_edit_learns_nothing_from_the_editing_sessions(published, participant):
    editor = Editor(participant, published)
    editor.ping()
    outsider = signed_in(get_user_model().objects.create_user(username="voisin"))
    response = outsider.post(editor.ping_url, {"is_editing": "1"})
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
