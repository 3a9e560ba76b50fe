from datetime import timedelta

import factory

from django.utils import timezone

from structures.factories import PublishedPageFactory
from veille.models import AppelPage, Funder, FunderKind


class FunderFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Financeur {n}")
    kind = FunderKind.OTHER

    class Meta:
        model = Funder
        django_get_or_create = ("name",)


def _sets(relation: str) -> factory.PostGeneration:
    """`relation=[…]` given to the factory sets that many-to-many relation of the page."""

    def setter(page, create, extracted, **kwargs):
        if extracted:
            setattr(page, relation, list(extracted))
            if create:
                page.save()

    return factory.PostGeneration(setter)


class AppelPageFactory(PublishedPageFactory):
    """A live call, open for two months from now unless told otherwise.

    `funders=[…]`, `themes=[…]` and `typologies=[Term, …]` set its relations."""

    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    summary = factory.Faker("sentence", locale="fr_FR")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))

    class Meta:
        model = AppelPage
        skip_postgeneration_save = True

    funders = _sets("funders")
    themes = _sets("themes")
    typologies = _sets("terms")
