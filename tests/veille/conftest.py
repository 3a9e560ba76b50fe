from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from structures.factories import StructurePageFactory
from structures.models import StructureIndexPage, Term, Vocabulary
from veille.factories import AppelPageFactory, FunderFactory
from veille.models import FunderKind, Theme, VeilleIndexPage

PARIS = ZoneInfo("Europe/Paris")
# Monday 19 October 2026, 10:00 in Paris: the clocks go back on Sunday the 25th.
NOW = datetime(2026, 10, 19, 10, 0, tzinfo=PARIS)
TODAY = NOW.date()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def veille(home, frozen):
    return VeilleIndexPage.objects.get()


@pytest.fixture
def theme_inclusion(db):
    return Theme.objects.get(slug="inclusion-numerique")


@pytest.fixture
def structure(home, frozen):
    structure = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="CLEF Chantemerle", slug="clef"
    )
    structure.terms = list(Term.objects.filter(vocabulary=Vocabulary.TYPOLOGIE, code="CS"))
    structure.save()
    return structure


def call(parent, title: str, **fields):
    return AppelPageFactory(parent=parent, title=title, **fields)


@pytest.fixture
def europe(db):
    return FunderFactory(name="Union européenne (FSE+)", kind=FunderKind.EUROPE)


@pytest.fixture
def caf(db):
    return FunderFactory(name="CAF de la Savoie", kind=FunderKind.CAF)
