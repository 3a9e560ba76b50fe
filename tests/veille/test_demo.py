"""The watch's demo content, as seed_demo builds it (clock frozen by tests/veille/conftest.py).

Only the parts of the demo the watch builds on run (accounts, structures, then the watch's own),
each as seed_demo calls it: the watch's part is run twice.
"""

import pytest

from structures import demo as structures_demo
from tests.clients import text
from veille import demo as veille_demo
from veille.models import AppelPage, FunderKind, Interest, InterestStatus
from veille.status import CallStatus
from website import demo as website_demo


@pytest.fixture
def demo(home, frozen):
    for part in (website_demo, structures_demo, veille_demo, veille_demo):
        part.seed(home=home, log=lambda line: None)
    return {call.slug: call for call in AppelPage.objects.live().specific()}


def test_the_demo_calls_are_built_once_marked_as_examples_with_every_status(demo, frozen):
    assert len(demo) == 6
    for call in demo.values():
        assert call.title.endswith("(exemple)")
        assert "Appel fictif" in call.description
        assert call.official_url.startswith("https://appels.example.org/")
    assert {call.status(frozen) for call in demo.values()} == set(CallStatus)
    kinds = {funder.kind for call in demo.values() for funder in call.funders.all()}
    assert {FunderKind.EUROPE, FunderKind.REGION, FunderKind.CAF, FunderKind.FOUNDATION} <= kinds
    published_by = demo["numerique-de-proximite-exemple"].get_parent()
    assert published_by.slug == "grand-chambery"
    assert all(call.themes.exists() for call in demo.values())


def test_the_demo_shows_on_the_watch_its_archive_and_who_works_on_what(demo, client):
    listing = text(client.get("/veille/"))
    for slug in ("fse-inclusion-numerique-exemple", "soutien-lieux-de-mediation-exemple"):
        assert demo[slug].title in listing
    assert demo["prix-reemploi-solidaire-exemple"].title not in listing
    assert "publié par Grand Chambéry" in listing
    archive = text(client.get("/veille/archives/"))
    assert demo["prix-reemploi-solidaire-exemple"].title in archive
    assert Interest.objects.count() == 3
    obtained = Interest.objects.get(status=InterestStatus.OBTAINED)
    assert obtained.structure.slug == "regie-coup-de-pouce"
    assert obtained.updated_by.username == "participant"
