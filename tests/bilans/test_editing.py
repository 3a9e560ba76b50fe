"""Editing a review day in the admin keeps every block's content, list item ids included (the
actions decided there point at them); content stored by an earlier version of the blocks
(tests/bilans/fixtures/) still renders and survives an edit; and a review day stored before
migration 0003 crosses it (live row and drafts) and is then edited without losing anything."""

import json
import re
from pathlib import Path

import pytest

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from wagtail.models import Revision

from bilans.factories import MethodPageFactory
from bilans.models import BilanPage, MethodKind
from tests.bilans.editor import editor_post
from tests.bilans.test_bilan_pages import full_day  # noqa: F401 - the day with every block
from tests.clients import signed_in, text

FIXTURES = Path(__file__).parent / "fixtures"


def _content(page: BilanPage) -> list:
    """The stored sections, less the keys Wagtail's rich text editor adds to paragraphs."""
    dumped = json.dumps(page.sections.get_prep_value())
    return json.loads(re.sub(r' data-block-key=\\"\w+\\"', "", dumped))


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


BEFORE_0003 = ("bilans", "0002_review_days_methods_actions")


def _activity(title: str, method, **fields) -> dict:
    return {
        "type": "activity",
        "value": {
            "title": title,
            "method": method.pk if method else None,
            "lead": "",
            "folded": False,
            "notes": f"<p>{title} : le déroulé.</p>",
        }
        | fields,
    }


def _without_kinds(stream: list[dict]) -> list[dict]:
    return [
        block | {"value": {k: v for k, v in block["value"].items() if k != "kind"}}
        for block in stream
    ]


@pytest.mark.django_db(transaction=True)
def test_a_review_day_stored_before_activity_kinds_crosses_the_migration_and_edits_losslessly(
    index, library, starfish, structures, people, client
):
    icebreaker = MethodPageFactory(
        parent=library, title="Petits papiers", kind=MethodKind.ICEBREAKER
    )
    energizer = MethodPageFactory(
        parent=library, title="Ligne silencieuse", kind=MethodKind.ENERGIZER
    )
    page = BilanPage(title="Bilan de 2023", slug="bilan-de-2023", date="2023-05-09")
    index.add_child(instance=page)
    page.save_revision().publish()
    raw = (FIXTURES / "review_day_0002.json").read_text()
    old = json.loads(
        raw.replace('"@method"', str(starfish.pk)).replace(
            '"@structure"', str(structures["clef"].pk)
        )
    )
    old[0:1] = [
        _activity("Confidences", icebreaker),
        _activity("La ligne silencieuse", energizer),
        _activity("Pause", None),
        _activity("Déjà rangée", starfish),
    ]
    for number, block in enumerate(old[:4]):
        block["id"] = f"00000000-0000-4000-8000-00000000000{number}"

    # Back to the schema before 0003, and the day stored as it stored it: live and as a draft.
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_0003])
    then = executor.loader.project_state(BEFORE_0003).apps
    then.get_model("bilans", "BilanPage").objects.filter(pk=page.pk).update(sections=old)
    draft = BilanPage.objects.get(pk=page.pk).save_revision()
    Revision.objects.filter(pk=draft.pk).update(
        content=draft.content | {"sections": json.dumps(old)}
    )
    stored = BilanPage.objects.get(pk=page.pk).sections.raw_data
    assert all("kind" not in block["value"] for block in stored[:4])

    executor = MigrationExecutor(connection)
    # Forward to every leaf: whatever the way back unapplied, in any app, comes back.
    executor.migrate(executor.loader.graph.leaf_nodes())

    page = BilanPage.objects.get(pk=page.pk)
    migrated = list(page.sections.raw_data)
    assert [block["value"]["kind"] for block in migrated[:4]] == [
        "brise-glace",
        "energiseur",
        "autre",
        "autre",
    ]
    # Nothing else moved: every other key, every id, every other section.
    assert _without_kinds(migrated) == _without_kinds(old)
    revision = json.loads(Revision.objects.get(pk=draft.pk).content["sections"])
    assert [block["value"].get("kind") for block in revision[:4]] == [
        "brise-glace",
        "energiseur",
        "autre",
        "autre",
    ]
    assert _without_kinds(revision) == _without_kinds(old)

    rendered = text(client.get(page.url))
    assert '<p class="bilan-section__kind">Brise-glace</p>' in rendered
    assert '<p class="bilan-section__kind">Énergiseur</p>' in rendered
    assert "Un cycle de formations" in rendered and "Rédiger une fiche de mission" in rendered
    after = _round_trip(page, people["facilitator"])
    assert after.methods_used.count() == 3
