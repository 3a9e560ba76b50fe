"""The bilans' share of a generated network: review days of about twenty sections each, bound
to the demo's methods, with actions owned by the generated structures.

Pages are created live without revisions (see structures/scale.py); actions in bulk.
"""

import datetime
import random

from django.utils import timezone

from bilans.models import Action, BilanIndexPage, BilanPage, MethodPage, Status
from structures.models import StructurePage
from website.progress import Progress
from website.scale_sizes import ScaleSize

MARKER = "echelle-bilan"
COLUMNS = ("creer", "maintenir", "amplifier", "reduire", "arreter")
ACTIONS_PER_DAY = 6


def _items(faker, rng, low, high) -> list[str]:
    return [
        faker.sentence(nb_words=rng.randint(3, 9)).rstrip(".")
        for _ in range(rng.randint(low, high))
    ]


def _section(kind, faker, rng, methods, structures) -> dict:
    value = {
        "title": faker.sentence(nb_words=4).rstrip("."),
        "method": rng.choice(methods).pk if methods else None,
        "lead": "",
        "folded": True,
    }
    if kind == "five_columns":
        value["boards"] = [
            {"group": "", **{column: _items(faker, rng, 0, 8) for column in COLUMNS}}
            | {"creer": _items(faker, rng, 1, 8)}
        ]
        value["synthesis"] = {
            "group": "",
            **{column: _items(faker, rng, 0, 3) for column in COLUMNS},
        }
    elif kind == "priorities":
        value["entries"] = [
            {
                "structure": structure.pk,
                "name": "",
                "focus": "",
                "actions": _items(faker, rng, 1, 4),
            }
            for structure in rng.sample(structures, min(3, len(structures)))
        ]
    elif kind == "reflection":
        value["axes"] = [
            {"question": faker.sentence(nb_words=6), "points": _items(faker, rng, 2, 8)}
            for _ in range(3)
        ]
    elif kind == "timeline":
        value["moments"] = [
            {
                "when": str(rng.randint(2019, 2026)),
                "title": faker.sentence(nb_words=5),
                "author": faker.name(),
                "kind": rng.choice(["positif", "difficile", "tournant"]),
                "text": faker.paragraph(nb_sentences=2),
            }
            for _ in range(rng.randint(3, 8))
        ]
    else:
        kind = "activity"
        value["notes"] = f"<p>{faker.paragraph(nb_sentences=3)}</p>"
    return {"type": kind, "value": value}


KINDS = ["five_columns", "priorities", "reflection", "timeline", "activity"]


def seed(*, size: ScaleSize, rng: random.Random, faker) -> None:
    index = BilanIndexPage.objects.first()
    if index is None:
        return
    existing = BilanPage.objects.filter(slug__startswith=f"{MARKER}-").count()
    methods = list(MethodPage.objects.live().order_by("pk"))
    structures = list(StructurePage.objects.live().order_by("pk")[:200])
    if not structures:
        return
    progress = Progress("Journées bilan", size.review_days - existing)
    now = timezone.now()
    first_day = datetime.date(2019, 1, 15)
    for number in range(existing, size.review_days):
        sections = [
            _section(rng.choice(KINDS), faker, rng, methods, structures)
            for _ in range(size.blocks_per_review_day)
        ]
        bilan = index.add_child(
            instance=BilanPage(
                title=f"Journée bilan {faker.city()}",
                slug=f"{MARKER}-{number:04d}",
                date=first_day + datetime.timedelta(days=45 * number + rng.randint(0, 20)),
                objectives="\n".join(_items(faker, rng, 2, 4)),
                sections=sections,
                first_published_at=now,
                last_published_at=now,
            )
        )
        items = [
            (block.id, block.value["title"], item_id, text)
            for block in bilan.sections
            if hasattr(block.value, "actionable_items")
            for item_id, text, _where in block.value.actionable_items()
        ]
        Action.objects.bulk_create(
            Action(
                bilan=bilan,
                section_id=section_id,
                section_title=title[:255],
                item_id=item_id,
                structure=rng.choice(structures),
                description=text,
                due_date=bilan.date + datetime.timedelta(days=rng.randint(15, 120)),
                status=rng.choice(Status.values),
            )
            for section_id, title, item_id, text in rng.sample(
                items, min(ACTIONS_PER_DAY, len(items))
            )
        )
        progress.advance()
    progress.finish()
