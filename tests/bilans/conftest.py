import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.contrib.auth import get_user_model

from bilans.factories import BilanPageFactory, MethodPageFactory
from bilans.models import BilanIndexPage, MethodIndexPage
from structures.factories import StructurePageFactory
from structures.models import Facilitator, Membership, Role, StructureIndexPage

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 10, 19, 8, 0, tzinfo=PARIS)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def index(home):
    return BilanIndexPage.objects.get()


@pytest.fixture
def library(home):
    return MethodIndexPage.objects.get()


@pytest.fixture
def starfish(library):
    return MethodPageFactory(parent=library, title="Étoile de mer", slug="etoile-de-mer")


@pytest.fixture
def structures(home):
    parent = StructureIndexPage.objects.get()
    return {
        "clef": StructurePageFactory(parent=parent, title="CLEF Chantemerle", slug="clef"),
        "ccas": StructurePageFactory(parent=parent, title="CCAS de La Ravoire", slug="ccas"),
    }


@pytest.fixture
def people(structures):
    users = get_user_model().objects
    member = users.create_user("membre", "membre@example.org", "x")
    Membership.objects.create(user=member, structure=structures["clef"], role=Role.MEMBER)
    other = users.create_user("autre", "autre@example.org", "x")
    Membership.objects.create(user=other, structure=structures["ccas"], role=Role.EDITOR)
    facilitator = users.create_user("animatrice", "animatrice@example.org", "x")
    Facilitator.objects.create(user=facilitator)
    return {"member": member, "other": other, "facilitator": facilitator}


def board(**columns) -> dict:
    return {"group": columns.pop("group", "")} | {
        key: columns.get(key, [])
        for key in ("creer", "maintenir", "amplifier", "reduire", "arreter")
    }


def five_columns(method=None, *, title="Bilan en cinq colonnes", folded=True, **columns) -> dict:
    return {
        "type": "five_columns",
        "value": {
            "title": title,
            "method": method.pk if method else None,
            "lead": "",
            "folded": folded,
            "boards": [board(**columns)],
            "synthesis": board(),
        },
    }


@pytest.fixture
def make_bilan(index):
    def make(*, sections=(), **fields):
        return BilanPageFactory(parent=index, sections=list(sections), **fields)

    return make
