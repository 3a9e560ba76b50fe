"""The watch's share of a generated network: calls under the watch and under the generated
structures, with deadlines from a year ago to eight months ahead (so the listing, its archive
and every status have their share), a few permanent and not yet open, funders, themes and
typologies linked in bulk.

Pages are created live without revisions (see structures/scale.py).
"""

import random
from datetime import timedelta

from django.utils import timezone

from structures.models import StructurePage, Term, Vocabulary
from veille.models import (
    AppelKind,
    AppelPage,
    Funder,
    FunderKind,
    Recurrence,
    Scope,
    Theme,
    VeilleIndexPage,
)
from website.progress import Progress
from website.scale_sizes import ScaleSize

MARKER = "echelle-appel"
FUNDERS = 40
# Shares of the calls: published by a structure, permanent, not open yet.
BY_STRUCTURE, PERMANENT, UPCOMING = 0.3, 0.08, 0.1


def seed(*, size: ScaleSize, rng: random.Random, faker) -> None:
    watch = VeilleIndexPage.objects.first()
    existing = AppelPage.objects.filter(slug__startswith=f"{MARKER}-").count()
    if watch is None or existing >= size.calls:
        return
    structures = list(StructurePage.objects.live().order_by("pk")[:500])
    funders = _funders(faker, rng)
    themes = list(Theme.objects.order_by("pk"))
    typologies = list(Term.objects.filter(vocabulary=Vocabulary.TYPOLOGIE).order_by("pk"))
    now = timezone.now()
    today = timezone.localdate(now)
    links = {"funders": [], "themes": [], "terms": []}
    progress = Progress("Appels à projets", size.calls - existing)
    for number in range(existing, size.calls):
        by_structure = structures and rng.random() < BY_STRUCTURE
        parent = rng.choice(structures) if by_structure else watch
        permanent = rng.random() < PERMANENT
        deadline = None if permanent else today + timedelta(days=rng.randint(-365, 240))
        opening = None
        if deadline and rng.random() < UPCOMING:
            opening = today + timedelta(days=rng.randint(1, 30))
            deadline = max(deadline, opening + timedelta(days=30))
        published = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
        amount = rng.choice([None, 5_000, 10_000, 30_000, 100_000])
        call = parent.add_child(
            instance=AppelPage(
                title=faker.sentence(nb_words=7).rstrip("."),
                slug=f"{MARKER}-{number:05d}",
                summary=faker.sentence(nb_words=20)[:300],
                kind=rng.choice(AppelKind.values),
                recurrence=Recurrence.PERMANENT if permanent else Recurrence.ONE_OFF,
                opening_date=opening,
                deadline=deadline,
                amount_max=amount,
                rate_max=rng.choice([None, 50, 80]),
                scope=rng.choice(Scope.values),
                description=f"<p>{faker.paragraph(nb_sentences=8)}</p>",
                eligibility=f"<p>{faker.paragraph(nb_sentences=3)}</p>",
                first_published_at=published,
                last_published_at=published,
            )
        )
        links["funders"] += [(call.pk, f.pk) for f in rng.sample(funders, rng.randint(1, 2))]
        links["themes"] += [(call.pk, t.pk) for t in rng.sample(themes, rng.randint(1, 3))]
        if rng.random() < 0.6:
            links["terms"] += [(call.pk, t.pk) for t in rng.sample(typologies, rng.randint(1, 4))]
        if len(links["themes"]) > 500:
            links = _link(links)
        progress.advance()
    _link(links)
    progress.finish()


def _funders(faker, rng) -> list[Funder]:
    kinds = FunderKind.values
    for number in range(Funder.objects.filter(name__startswith=MARKER).count(), FUNDERS):
        Funder.objects.create(
            name=f"{MARKER} {number:03d} {faker.company()}"[:200], kind=kinds[number % len(kinds)]
        )
    return list(Funder.objects.filter(name__startswith=MARKER).order_by("pk"))


def _link(links: dict[str, list[tuple[int, int]]]) -> dict[str, list]:
    """Write the relations gathered so far; what is left to gather."""
    for relation, target in (("funders", "funder"), ("themes", "theme"), ("terms", "term")):
        through = getattr(AppelPage, relation).through
        through.objects.bulk_create(
            [through(appelpage_id=call, **{f"{target}_id": pk}) for call, pk in links[relation]],
            batch_size=1000,
        )
    return {relation: [] for relation in links}
