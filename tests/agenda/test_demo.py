"""The agenda's demo content, as seed_demo builds it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from django.core.management import call_command

from agenda import selectors
from agenda.models import EventPage

PARIS = ZoneInfo("Europe/Paris")


@time_machine.travel(datetime(2026, 10, 19, 8, 0, tzinfo=PARIS), tick=False)
def test_the_demo_has_the_friday_drop_in_at_the_piochet_and_can_run_again(home, settings):
    settings.RELAIS_DEMO_ENABLED = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    drop_in = EventPage.objects.get(slug="permanence-du-vendredi-au-piochet")
    assert drop_in.place.slug == "espace-numerique-du-piochet"
    assert drop_in.get_parent().slug == "clef-chantemerle"
    fridays = [
        item
        for item in selectors.upcoming(datetime(2026, 10, 19, 8, 0, tzinfo=PARIS))[:20]
        if item.event.pk == drop_in.pk
    ]
    assert fridays[0].start == datetime(2026, 10, 23, 9, 0, tzinfo=PARIS)
    assert {item.start.astimezone(PARIS).hour for item in fridays} == {9}
    review_day = EventPage.objects.get(slug="journee-bilan-transistor")
    assert review_day.all_day
    assert review_day.get_parent().slug == "agate"
    assert EventPage.objects.filter(slug="conference-de-cloture-transistor").count() == 1
