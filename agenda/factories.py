from datetime import timedelta

import factory

from django.utils import timezone

from agenda.models import EventPage
from agenda.services import rebuild_occurrences
from structures.factories import PublishedPageFactory


class EventPageFactory(PublishedPageFactory):
    """A live event with its occurrence rows built, as publishing it through Wagtail would."""

    title = factory.Sequence(lambda n: f"Atelier {n}")
    summary = factory.Faker("sentence", locale="fr_FR")
    start = factory.LazyFunction(timezone.now)
    end = factory.LazyAttribute(lambda event: event.start + timedelta(hours=2))

    class Meta:
        model = EventPage
        skip_postgeneration_save = True

    @factory.post_generation
    def occurrences(self, create, extracted, **kwargs):
        if create:
            rebuild_occurrences(event=self)
