"""The generated review days: the bench size's number of days of about twenty sections, bound
to methods, with actions that point at their items; a second run adds nothing."""

import random
from dataclasses import replace

from faker import Faker

from django.core.management import call_command

from bilans import bench, scale
from bilans.models import Action, BilanPage
from website.scale_sizes import SIZES


def test_generated_review_days_have_twenty_sections_and_actions_on_their_items(
    home, settings, client
):
    settings.RELAIS_DEMO_ENABLED = True
    call_command("seed_demo", verbosity=0)
    size = replace(SIZES["S"], review_days=2)
    for _run in range(2):
        faker = Faker("fr_FR")
        faker.seed_instance(1)
        scale.seed(size=size, rng=random.Random(1), faker=faker)
    generated = BilanPage.objects.filter(slug__startswith=scale.MARKER)
    assert generated.count() == size.review_days
    day = generated.first()
    assert len(day.sections) == size.blocks_per_review_day
    actions = Action.objects.filter(bilan=day)
    assert actions.exists()
    for action in actions:
        assert day.section(action.section_id).value.find_item(action.item_id) is not None
    for url in (page.url for page in bench.pages()):
        assert client.get(url).status_code == 200, url
