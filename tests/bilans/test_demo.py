"""The bilans' demo content, as seed_demo builds it: the methods, the review day of 9 May 2023
bound to them, and its actions per structure."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core.management import call_command

from bilans.models import OPEN_STATUSES, Action, BilanPage, MethodKind, MethodPage, Status
from tests.clients import text

PARIS = ZoneInfo("Europe/Paris")


DEMO_CLOCK = datetime(2026, 10, 19, 8, 0, tzinfo=PARIS)


@pytest.fixture
def demo(seeded_demo, home, settings):
    settings.RELAIS_DEMO_ENABLED = True
    with time_machine.travel(DEMO_CLOCK, tick=False):
        call_command("seed_demo", verbosity=0)  # a second run duplicates nothing
        yield BilanPage.objects.get()


def test_the_demo_review_day_is_built_once_with_its_methods_and_actions(demo, client):
    assert demo.date.isoformat() == "2023-05-09"
    assert MethodPage.objects.live().count() == 9
    kinds_of_methods = set(MethodPage.objects.values_list("kind", flat=True))
    assert {
        MethodKind.ICEBREAKER,
        MethodKind.ENERGIZER,
        MethodKind.RETROSPECTIVE,
        MethodKind.INTERVIEW,
        MethodKind.CODEVELOPMENT,
        MethodKind.COLLECTIVE,
        MethodKind.FEEDBACK,
    } <= kinds_of_methods
    icebreaker = MethodPage.objects.get(kind=MethodKind.ICEBREAKER)
    assert "papier" in icebreaker.summary and "sans signer" in icebreaker.summary
    accelerator = MethodPage.objects.get(kind=MethodKind.CODEVELOPMENT)
    assert [step.value["title"] for step in accelerator.steps] == [
        "Préparation",
        "Exposé du problème",
        "Questions de clarification",
        "Reformulation",
        "Suggestions",
        "Synthèse et plan d'action",
        "Évaluation",
    ]
    assert "je voudrais que le groupe m'aide à" in accelerator.summary.lower()
    five = MethodPage.objects.get(slug="bilan-en-cinq-colonnes")
    assert all(word in five.summary for word in ("créer", "maintenir", "amplifier", "réduire"))
    assert "Arrêter" in str(five.steps.raw_data)
    kinds = [block.block_type for block in demo.sections]
    for kind in (
        "activity",
        "timeline",
        "five_columns",
        "accelerator",
        "interviews",
        "reflection",
        "priorities",
        "feedback",
        "aside",
        "presentations",
    ):
        assert kind in kinds, kind
    activities = [block.value["kind"] for block in demo.sections if block.block_type == "activity"]
    assert activities == ["brise-glace", "energiseur"]
    # Every section with a method links to it, and the method lists the day back.
    assert five in demo.methods_used.all()
    assert demo.methods_used.count() == 9
    response = client.get(five.url)
    assert "Journée bilan du Transistor" in text(response)

    statuses = set(Action.objects.values_list("status", flat=True))
    assert {Status.DONE, Status.TODO, Status.IN_PROGRESS} <= statuses
    owners = set(Action.objects.values_list("structure__slug", flat=True))
    assert {"clef-chantemerle", "ccas-la-ravoire", "agate", "regie-coup-de-pouce"} <= owners
    # Structures with several actions have some done and some still open.
    for slug in ("clef-chantemerle", "ccas-la-ravoire", "agate"):
        theirs = Action.objects.filter(structure__slug=slug)
        assert theirs.filter(status=Status.DONE).exists(), slug
        assert theirs.filter(status__in=OPEN_STATUSES).exists(), slug
    assert all(action.item_id and action.section_id for action in Action.objects.all())

    page = text(client.get(demo.url))
    assert "Voir la méthode : Bilan en cinq colonnes" in page
    assert "Le wiki comme centre de ressources commun" in page
    assert "→ action de CLEF Chantemerle : faite" in page
    assert '<p class="bilan-section__kind">Brise-glace</p>' in page
    assert '<p class="bilan-section__kind">Énergiseur</p>' in page
