"""Who finds what: drafts and private pages stay with those who may see them."""

import json

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from wagtail.models import PageViewRestriction

from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import Membership, NewsPage, Role, StructureIndexPage

pytestmark = pytest.mark.django_db

WORD = "confidentiel"


@pytest.fixture
def structures(home):
    index = StructureIndexPage.objects.get()
    return {
        letter: StructurePageFactory(parent=index, title=f"Structure {letter}") for letter in "AB"
    }


def person(name: str, structure=None, role=Role.EDITOR):
    user = get_user_model().objects.create_user(username=name, password="mot-de-passe-du-test")
    if structure is not None:
        Membership.objects.create(user=user, structure=structure, role=role)
    return user


def client_for(user=None) -> Client:
    client = Client(HTTP_HOST="localhost")
    if user is not None:
        client.force_login(user)
    return client


def titles_found(client, query=WORD) -> str:
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def suggestions(client, query=WORD) -> list[str]:
    response = client.get("/recherche/suggestions/", {"q": query})
    assert response.status_code == 200
    return [item["title"] for item in json.loads(response.content)["suggestions"]]


@pytest.fixture
def draft(structures, backend):
    """A news item of structure A, saved as a draft and never published."""
    page = NewsPage(title=f"Projet {WORD} en préparation", intro="Pas encore prêt.", live=False)
    structures["A"].add_child(instance=page)
    page.save_revision()
    return page


def test_a_draft_is_found_by_no_visitor_and_no_other_structure(draft, structures):
    assert "Projet" not in titles_found(client_for())
    other_editor = person("editeur_b", structures["B"])
    assert "Projet" not in titles_found(client_for(other_editor))
    member = person("membre_a", structures["A"], role=Role.MEMBER)
    assert "Projet" not in titles_found(client_for(member))
    assert suggestions(client_for(other_editor)) == []


def test_an_editor_finds_their_structure_s_draft_marked_as_such(draft, structures):
    editor = person("editeur_a", structures["A"])
    html = titles_found(client_for(editor))
    item = html[html.index('class="search-result search-result--draft"') :]
    assert "Brouillon, non publié" in item
    assert f'href="/admin/pages/{draft.pk}/edit/"' in item, "a draft opens in the editor"
    # The search box's suggestions are for published pages only.
    assert suggestions(client_for(editor)) == []


def test_an_unpublished_page_leaves_the_results(structures, backend):
    lieu = LieuPageFactory(parent=structures["A"], title=f"Lieu {WORD}")
    assert "Lieu <mark>" in titles_found(client_for())
    lieu.unpublish()
    assert "Lieu <mark>" not in titles_found(client_for())
    assert suggestions(client_for()) == []


@pytest.fixture
def private(structures, backend):
    """A login-only section, a group-only one and a password-protected one."""
    pages = {
        kind: LieuPageFactory(parent=structures["A"], title=f"Lieu {kind} {WORD}")
        for kind in ("connexion", "groupe", "motdepasse")
    }
    PageViewRestriction.objects.create(page=pages["connexion"], restriction_type="login")
    group_only = PageViewRestriction.objects.create(page=pages["groupe"], restriction_type="groups")
    group_only.groups.add(Group.objects.create(name="Équipe restreinte"))
    PageViewRestriction.objects.create(
        page=pages["motdepasse"], restriction_type="password", password="secret"
    )
    return pages


def test_private_pages_are_found_only_by_those_let_in(private):
    anonymous = titles_found(client_for())
    assert "Lieu connexion" not in anonymous
    assert "Lieu groupe" not in anonymous
    assert "Lieu motdepasse" not in anonymous
    assert suggestions(client_for()) == []

    someone = person("quelqu_un")
    logged_in = titles_found(client_for(someone))
    assert "Lieu connexion" in logged_in
    assert "Lieu groupe" not in logged_in
    assert "Lieu motdepasse" not in logged_in
    assert suggestions(client_for(someone)) == [f"Lieu connexion {WORD}"]

    someone.groups.add(Group.objects.get(name="Équipe restreinte"))
    assert "Lieu groupe" in titles_found(client_for(someone))


def test_the_empty_state_leaves_private_sections_out(home, client):
    section = home.get_children().live().in_menu().first()
    PageViewRestriction.objects.create(page=section, restriction_type="login")
    html = client.get("/recherche/", {"q": "introuvable"}).content.decode()
    empty = html[html.index('class="search-empty"') :]
    assert f'href="{section.url}"' not in empty
