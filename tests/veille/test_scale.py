"""The watch's share of seed_scale (clock frozen by tests/veille/conftest.py)."""

import random
from dataclasses import replace

from faker import Faker

from structures.factories import StructurePageFactory
from structures.models import StructureIndexPage
from tests.clients import text
from veille import scale
from veille.models import AppelPage
from veille.status import CallStatus
from website.scale_sizes import SIZES


def test_scale_tops_up_to_the_size_with_every_status_and_their_relations(veille, frozen, client):
    index = StructureIndexPage.objects.get()
    for number in range(3):
        StructurePageFactory(parent=index, slug=f"structure-{number}")
    size = replace(SIZES["S"], calls=60)
    faker = Faker("fr_FR")
    scale.seed(size=size, rng=random.Random(1), faker=faker)
    scale.seed(size=size, rng=random.Random(1), faker=faker)
    calls = AppelPage.objects.filter(slug__startswith="echelle-appel-")
    assert calls.count() == 60
    assert calls.live().count() == 60
    assert {call.status(frozen) for call in calls} == set(CallStatus)
    assert 5 < calls.child_of(veille).count() < 55
    assert not calls.filter(funders=None).exists()
    assert not calls.filter(themes=None).exists()
    assert calls.exclude(terms=None).exists()
    current = [call for call in calls if call.status(frozen) != CallStatus.CLOSED]
    html = text(client.get("/veille/"))
    assert html.count('class="card call-card"') == min(len(current), veille.per_page)
