import datetime

import factory

from bilans.models import Action, BilanPage, MethodKind, MethodPage, Objective, Status
from structures.factories import PublishedPageFactory


class MethodPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Méthode {n}")
    objective = Objective.THINK
    kind = MethodKind.RETROSPECTIVE
    group_min = 4
    group_max = 20
    duration = 60
    summary = factory.Faker("sentence", locale="fr_FR")

    class Meta:
        model = MethodPage


class BilanPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Journée bilan {n}")
    date = datetime.date(2023, 5, 9)

    class Meta:
        model = BilanPage


class ActionFactory(factory.django.DjangoModelFactory):
    description = factory.Sequence(lambda n: f"Action {n}")
    status = Status.TODO

    class Meta:
        model = Action
