"""The demo network on the narrowest phone the site is made for (360 px): every kind of public
page reads without sideways scrolling, and passes the other checks every visited page gets."""

import pytest

from django.core.management import call_command

from agenda.models import EventPage
from bilans.models import BilanPage, MethodPage
from ressources.models import RessourcePage
from structures.models import LieuPage, NewsPage, StructurePage
from veille.models import AppelPage

# Saves index as in production: these journeys search (see tests/conftest.py).
pytestmark = pytest.mark.search

SECTIONS = ["/", "/espaces-numeriques/", "/structures/", "/actualites/", "/agenda/"]
SECTIONS += ["/ressources/", "/veille/", "/bilans/", "/recherche/?q=numerique"]
ONE_OF_EACH = [
    StructurePage,
    LieuPage,
    NewsPage,
    EventPage,
    RessourcePage,
    AppelPage,
    BilanPage,
    MethodPage,
]


@pytest.fixture
def demo(home):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("screen", ["narrow"], indirect=True)
def test_every_kind_of_public_page_reads_on_a_360_px_phone(demo, visitor):
    pages = SECTIONS + [model.objects.live().public().first().url for model in ONE_OF_EACH]
    for path in pages:
        visitor.open(path)
        visitor.check(path.strip("/").replace("/", "-") or "accueil")
    visitor.assert_no_problems()
