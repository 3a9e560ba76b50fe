"""Pages are found along their URL, and their view restrictions read, in a fixed number of
queries, with Wagtail's rules."""

import pytest

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage
from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import StructureIndexPage
from website.models import HomePage


def _route(path: str):
    request = RequestFactory().get(path)
    return HomePage.objects.get().route(request, [part for part in path.split("/") if part])


def _routing_queries(path: str) -> int:
    home = HomePage.objects.get()
    request = RequestFactory().get(path)
    with CaptureQueriesContext(connection) as captured:
        home.route(request, [part for part in path.split("/") if part])
    return len(captured)


@pytest.fixture
def place(home):
    structure = StructurePageFactory(parent=StructureIndexPage.objects.get(), slug="clef")
    return LieuPageFactory(parent=structure, slug="piochet")


def test_a_place_five_levels_deep_is_found_in_as_many_queries_as_a_structure(place):
    assert _route("/structures/clef/piochet/").page.specific == place
    assert _routing_queries("/structures/clef/piochet/") == _routing_queries("/structures/clef/")
    assert _routing_queries("/structures/clef/piochet/") == 3


def test_the_page_found_knows_its_specific_parent_without_another_query(place):
    found = _route("/structures/clef/piochet/").page
    with CaptureQueriesContext(connection) as captured:
        assert found.get_parent().specific == place.get_parent().specific
    assert len(captured) == 0


def test_a_sub_url_of_a_routable_page_reaches_its_view(place):
    result = _route("/structures/clef/piochet/fiche/")
    assert result.page.specific == place
    view, args, kwargs = result.args
    assert view.__name__ == "fiche"


def test_a_routable_page_answers_its_own_sub_url_before_a_child_of_the_same_slug(home):
    agenda = AgendaPage.objects.get()
    EventPageFactory(parent=agenda, slug="planning")
    result = _route("/agenda/planning/")
    assert result.page.specific == agenda
    assert result.args[0].__name__ == "planning"


def test_a_draft_page_is_not_found_but_its_live_child_is(place):
    structure = place.get_parent()
    structure.unpublish()
    with pytest.raises(Exception) as refused:
        _route("/structures/clef/")
    assert refused.typename == "Http404"
    assert _route("/structures/clef/piochet/").page.specific == place


@pytest.mark.parametrize("path", ["/structures/inconnue/", "/structures/clef/piochet/x/y/"])
def test_an_unknown_path_is_a_404(place, path):
    with pytest.raises(Exception) as refused:
        _route(path)
    assert refused.typename == "Http404"


def test_a_place_page_is_served_through_the_whole_stack(client, place):
    assert client.get("/structures/clef/piochet/").status_code == 200
    assert client.get("/structures/clef/piochet/fiche/").status_code == 200
    assert client.get("/structures/clef/absent/").status_code == 404


def _restrictions(page) -> tuple[set, set]:
    """Ours and Wagtail's own answer for the restrictions that apply to `page`."""
    return set(page.get_view_restrictions()), set(Page.get_view_restrictions(page))


def test_view_restrictions_are_wagtails_in_one_query(place):
    structure = place.get_parent().specific
    assert _restrictions(place) == (set(), set())
    restriction = PageViewRestriction.objects.create(
        page=structure, restriction_type=PageViewRestriction.LOGIN
    )
    ours, wagtails = _restrictions(place)
    assert ours == wagtails == {restriction}
    with CaptureQueriesContext(connection) as captured:
        list(place.get_view_restrictions())
    assert len(captured) == 1


def test_an_alias_is_restricted_as_its_source(place):
    structure = place.get_parent().specific
    restriction = PageViewRestriction.objects.create(
        page=place, restriction_type=PageViewRestriction.LOGIN
    )
    alias = place.specific.create_alias(parent=structure, update_slug="piochet-bis")
    ours, wagtails = _restrictions(alias.specific)
    assert ours == wagtails == {restriction}


def test_a_page_under_a_restricted_structure_asks_visitors_to_sign_in(client, place):
    PageViewRestriction.objects.create(
        page=place.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get("/structures/clef/piochet/")
    assert response.status_code == 302
    assert "connexion" in response["Location"]
