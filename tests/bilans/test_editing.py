"""Editing a review day in the admin keeps every block's content, list item ids included (the
actions decided there point at them), and content stored by an earlier version of the blocks
(tests/bilans/fixtures/) still renders and survives an edit after the migrations since."""

import json
import re
from pathlib import Path

from django.urls import reverse

from bilans.models import BilanPage
from tests.bilans.editor import editor_post
from tests.bilans.test_bilan_pages import full_day  # noqa: F401 - the day with every block
from tests.clients import signed_in, text

FIXTURES = Path(__file__).parent / "fixtures"


def _content(page: BilanPage) -> str:
    """The stored sections, less the keys Wagtail's rich text editor adds to paragraphs."""
    return re.sub(r' data-block-key=\\"\w+\\"', "", json.dumps(page.sections.get_prep_value()))


def _round_trip(page: BilanPage, user) -> BilanPage:
    before = _content(page)
    response = signed_in(user).post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), editor_post(page)
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    after = BilanPage.objects.get(pk=page.pk)
    assert _content(after) == before
    return after


def test_saving_a_review_day_unchanged_in_the_admin_loses_nothing(full_day, people):  # noqa: F811
    page = BilanPage.objects.get(pk=full_day.pk)
    after = _round_trip(page, people["facilitator"])
    assert after.live and after.methods_used.count() == 2


def test_an_edit_in_the_admin_changes_only_what_was_changed(full_day, people):  # noqa: F811
    page = BilanPage.objects.get(pk=full_day.pk)
    before = _content(page)
    response = signed_in(people["facilitator"]).post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        editor_post(page, title="Journée bilan renommée"),
    )
    assert response.status_code == 302
    after = BilanPage.objects.get(pk=page.pk)
    assert after.title == "Journée bilan renommée"
    assert _content(after) == before


def test_content_stored_by_the_first_version_of_the_blocks_survives(
    index, starfish, structures, people, client
):
    raw = (FIXTURES / "review_day_0002.json").read_text()
    raw = raw.replace('"@method"', str(starfish.pk)).replace(
        '"@structure"', str(structures["clef"].pk)
    )
    page = BilanPage(
        title="Bilan d'avant", slug="bilan-d-avant", date="2023-05-09", sections=json.loads(raw)
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    page = BilanPage.objects.get(pk=page.pk)
    assert len(page.sections) == 10
    rendered = text(client.get(page.url))
    for expected in [
        "Un cycle de formations",
        "Rédiger une fiche de mission",
        "Proposer la réunion",
        "Au top",
        "Voir la méthode : Étoile de mer",
    ]:
        assert expected in rendered, expected
    _round_trip(page, people["facilitator"])
