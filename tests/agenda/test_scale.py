"""The agenda's share of seed_scale."""

import random
from dataclasses import replace

from faker import Faker

from agenda import scale
from agenda.models import EventPage, Occurrence
from structures.factories import StructurePageFactory
from structures.models import StructureIndexPage
from website.scale_sizes import SIZES


def test_scale_tops_up_to_the_size_with_its_share_of_series(home):
    StructurePageFactory(parent=StructureIndexPage.objects.get())
    size = replace(SIZES["S"], events=40, recurring_share=0.5)
    faker = Faker("fr_FR")
    scale.seed(size=size, rng=random.Random(1), faker=faker)
    scale.seed(size=size, rng=random.Random(1), faker=faker)
    events = EventPage.objects.filter(slug__startswith="echelle-evenement-")
    assert events.count() == 40
    assert 5 < events.exclude(recurrence="").count() < 35
    assert Occurrence.objects.count() > 40
