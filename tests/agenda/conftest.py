from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage

PARIS = ZoneInfo("Europe/Paris")
# Monday 19 October 2026, 08:00 in Paris: the clocks go back on Sunday the 25th.
NOW = datetime(2026, 10, 19, 8, 0, tzinfo=PARIS)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def structure(home, frozen):
    return StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="CLEF Chantemerle", slug="clef"
    )


@pytest.fixture
def place(structure):
    return LieuPageFactory(
        parent=structure,
        title="Espace numérique du Piochet",
        latitude=45.5646,
        longitude=5.9178,
        horaires="Mo-Fr 09:00-12:00",
    )
