"""Factories shared by the tests and the demo/scale commands."""

import factory
import wagtail_factories

from django.contrib.auth import get_user_model

from website.models import StandardPage


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"personne{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("mot-de-passe-de-test")

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Faker("sentence", nb_words=3, locale="fr_FR")
    intro = factory.Faker("paragraph", locale="fr_FR")

    class Meta:
        model = StandardPage
