import factory

from ressources.models import RessourcePage, Theme
from structures.factories import PublishedPageFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thème {n}")

    class Meta:
        model = Theme
        django_get_or_create = ("name",)


class RessourcePageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Fiche {n}")
    summary = factory.Faker("sentence", locale="fr_FR")

    class Meta:
        model = RessourcePage
