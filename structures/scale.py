"""The structures' share of a generated network: structures, their places and news.

Pages are created live without revisions (a revision per page would triple the time, and
generated content has no history to keep); terms are linked in bulk.
"""

import random

from django.utils import timezone

from structures.models import (
    LieuPage,
    NewsPage,
    StructureIndexPage,
    StructurePage,
    Term,
    Vocabulary,
)
from website.progress import Progress
from website.scale_sizes import ScaleSize

MARKER = "echelle"
PLACES_PER_STRUCTURE = (1, 2, 3)
COMMUNES = [
    ("Chambéry", "73000", 45.5646, 5.9178),
    ("La Ravoire", "73490", 45.5614, 5.9630),
    ("Bassens", "73000", 45.5790, 5.9370),
    ("Cognin", "73160", 45.5600, 5.8960),
    ("La Motte-Servolex", "73290", 45.5960, 5.8770),
    ("Barberaz", "73000", 45.5530, 5.9400),
    ("Saint-Alban-Leysse", "73230", 45.5780, 5.9580),
    ("Challes-les-Eaux", "73190", 45.5490, 5.9870),
    ("Aix-les-Bains", "73100", 45.6890, 5.9150),
    ("Montmélian", "73800", 45.5010, 6.0460),
]
HOURS = [
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Tu,Th 14:00-17:30; PH off",
    "Fr 09:00-12:00; PH off",
    "We 09:00-12:00; Sa 10:00-12:00; PH off",
    "week 1-53/2 Mo 09:30-12:30; PH off",
    "",
]


def seed(*, size: ScaleSize, rng: random.Random, faker) -> None:
    index = StructureIndexPage.objects.get()
    existing = StructurePage.objects.child_of(index).filter(slug__startswith=f"{MARKER}-").count()
    terms = {
        vocabulary: list(Term.objects.filter(vocabulary=vocabulary)) for vocabulary in Vocabulary
    }
    progress = Progress("Structures", size.structures - existing)
    now = timezone.now()
    for number in range(existing, size.structures):
        commune, postcode, latitude, longitude = rng.choice(COMMUNES)
        structure = index.add_child(
            instance=StructurePage(
                title=f"{faker.company()} {commune}",
                slug=f"{MARKER}-{number:05d}",
                commune=commune,
                code_postal=postcode,
                adresse=faker.street_address(),
                activites=faker.paragraph(nb_sentences=3),
                first_published_at=now,
                last_published_at=now,
            )
        )
        structure.terms.set(rng.sample(terms[Vocabulary.TYPOLOGIE], 1))
        for place in range(rng.choice(PLACES_PER_STRUCTURE)):
            lieu = structure.add_child(
                instance=LieuPage(
                    title=f"Espace numérique {faker.last_name()} {place + 1}",
                    slug=f"lieu-{place + 1}",
                    adresse=faker.street_address(),
                    commune=commune,
                    code_postal=postcode,
                    latitude=latitude + rng.uniform(-0.02, 0.02),
                    longitude=longitude + rng.uniform(-0.02, 0.02),
                    horaires=rng.choice(HOURS),
                    presentation_resume=faker.sentence(nb_words=12),
                    first_published_at=now,
                    last_published_at=now,
                )
            )
            lieu.terms.set(
                rng.sample(terms[Vocabulary.SERVICES], rng.randint(1, 4))
                + rng.sample(terms[Vocabulary.FRAIS], 1)
                + rng.sample(terms[Vocabulary.PUBLICS], rng.randint(0, 2))
                + rng.sample(terms[Vocabulary.MODALITES_ACCOMPAGNEMENT], rng.randint(1, 2))
            )
        if number % 3 == 0:
            structure.add_child(
                instance=NewsPage(
                    title=faker.sentence(nb_words=6).rstrip("."),
                    slug="actualite",
                    intro=faker.paragraph(nb_sentences=2),
                    date=faker.date_between(start_date="-1y", end_date="today"),
                    first_published_at=now,
                    last_published_at=now,
                )
            )
        progress.advance()
    progress.finish()
