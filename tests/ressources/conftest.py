import pytest

from django.contrib.auth import get_user_model

from ressources.factories import RessourcePageFactory, ThemeFactory
from ressources.models import RessourceIndexPage
from structures.factories import StructurePageFactory
from structures.models import Facilitator, Membership, Role, StructureIndexPage


@pytest.fixture
def wiki(home):
    return RessourceIndexPage.objects.get()


@pytest.fixture
def structure(home):
    return StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="CLEF Chantemerle", slug="clef"
    )


@pytest.fixture
def participant(structure):
    user = get_user_model().objects.create_user(username="camille", password="x")
    Membership.objects.create(user=user, structure=structure, role=Role.MEMBER)
    return user


@pytest.fixture
def other_participant(structure):
    user = get_user_model().objects.create_user(username="dominique", password="x")
    Membership.objects.create(user=user, structure=structure, role=Role.MEMBER)
    return user


@pytest.fixture
def facilitator(home):
    user = get_user_model().objects.create_user(username="animatrice", password="x")
    Facilitator.objects.create(user=user)
    return user


@pytest.fixture
def orientation(db):
    return ThemeFactory(name="Orientation")


@pytest.fixture
def ressource(wiki, orientation, structure):
    page = RessourcePageFactory(
        parent=wiki,
        title="Réorienter une demande",
        summary="Quand une demande dépasse l'atelier, vers qui se tourner.",
        kind="fiche",
        audiences=["professionnels", "benevoles"],
    )
    page.themes.set([orientation])
    page.related_structures.set([structure])
    page.tags.add("orientation", "partenariat")
    page.save()
    return page
