"""The agenda's share of a generated network: events spread over the structures, some of them
weekly or monthly series that cross daylight-saving changes.

Pages are created live without revisions (see structures/scale.py); occurrence rows are built
in memory and written in bulk.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from agenda.models import Category, EventPage, Occurrence
from agenda.recurrence import PARIS
from agenda.services import occurrence_rows
from structures.models import LieuPage, StructurePage
from website.progress import Progress
from website.scale_sizes import ScaleSize

MARKER = "echelle-evenement"
RULES = [
    "FREQ=WEEKLY;BYDAY=FR",
    "FREQ=WEEKLY;BYDAY=TU,TH",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    "FREQ=MONTHLY;BYDAY=1MO",
    "FREQ=WEEKLY;BYDAY=MO;COUNT=12",
]
HOURS = [(9, 3), (10, 2), (14, 2), (14, 3), (18, 2)]


def seed(*, size: ScaleSize, rng: random.Random, faker) -> None:
    existing = EventPage.objects.filter(slug__startswith=f"{MARKER}-").count()
    structures = list(StructurePage.objects.live().order_by("pk"))
    if not structures or existing >= size.events:
        return
    places = {}
    for place in LieuPage.objects.live().only("pk", "path"):
        places.setdefault(place.path[: -LieuPage.steplen], []).append(place)
    now = timezone.now()
    first_day = now.date() - timedelta(days=365 * size.years_of_events // 2)
    span = 365 * size.years_of_events
    categories = [choice for choice, _label in Category.choices]
    progress = Progress("Événements", size.events - existing)
    rows: list[Occurrence] = []
    for number in range(existing, size.events):
        structure = rng.choice(structures)
        hour, length = rng.choice(HOURS)
        day = first_day + timedelta(days=rng.randrange(span))
        start = datetime.combine(day, time(hour), tzinfo=PARIS)
        recurring = rng.random() < size.recurring_share
        nearby = places.get(structure.path)
        event = structure.add_child(
            instance=EventPage(
                title=faker.sentence(nb_words=5).rstrip("."),
                slug=f"{MARKER}-{number:06d}",
                summary=faker.sentence(nb_words=18)[:200],
                start=start,
                end=start + timedelta(hours=length),
                category=rng.choice(categories),
                recurrence=rng.choice(RULES) if recurring else "",
                place=rng.choice(nearby) if nearby and rng.random() < 0.7 else None,
                first_published_at=now,
                last_published_at=now,
            )
        )
        rows.extend(occurrence_rows(event=event, now=now))
        if len(rows) > 5000:
            Occurrence.objects.bulk_create(rows)
            rows = []
        progress.advance()
    Occurrence.objects.bulk_create(rows)
    progress.finish()
