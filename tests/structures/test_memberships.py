import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from structures.factories import StructurePageFactory
from structures.models import Facilitator, Membership, Role, StructureIndexPage
from structures.permissions import editors_group_name


@pytest.fixture
def structures(home):
    index = StructureIndexPage.objects.get()
    return StructurePageFactory(parent=index, title="Régie Coup de Pouce"), StructurePageFactory(
        parent=index, title="CCAS"
    )


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user(username="sabah", password="mot-de-passe-du-test")


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_new_structure_gets_its_own_collection_and_editors_group(structures):
    regie, ccas = structures
    assert regie.collection is not None and ccas.collection is not None
    assert regie.collection != ccas.collection
    assert Group.objects.filter(name=editors_group_name(regie)).exists()


def test_an_editor_joins_the_structures_group_and_the_participants(structures, person):
    regie, _ccas = structures
    Membership.objects.create(user=person, structure=regie, role=Role.EDITOR)
    assert group_names(person) == {editors_group_name(regie), "Participants"}


def test_a_plain_member_is_a_participant_with_no_right_on_the_structure(structures, person):
    regie, _ccas = structures
    Membership.objects.create(user=person, structure=regie, role=Role.MEMBER)
    assert group_names(person) == {"Participants"}


def test_removing_a_membership_removes_the_rights_at_once(structures, person):
    regie, _ccas = structures
    membership = Membership.objects.create(user=person, structure=regie, role=Role.EDITOR)
    membership.delete()
    assert group_names(person) == set()


def test_an_editor_demoted_to_member_loses_the_structures_rights(structures, person):
    regie, _ccas = structures
    membership = Membership.objects.create(user=person, structure=regie, role=Role.EDITOR)
    membership.role = Role.MEMBER
    membership.save()
    assert group_names(person) == {"Participants"}


def test_editors_may_upload_to_their_structures_collection_only(structures, person):
    regie, ccas = structures
    Membership.objects.create(user=person, structure=regie, role=Role.EDITOR)
    image_policy = policy_registry.get_by_type(get_image_model())
    collections = set(image_policy.collections_user_has_permission_for(person, "add"))
    assert regie.collection in collections
    assert ccas.collection not in collections


def test_the_facilitator_role_is_data_and_its_group_follows_it(person):
    role = Facilitator.objects.create(user=person)
    assert "Animateurs" in group_names(person)
    role.delete()
    assert "Animateurs" not in group_names(person)


def test_setup_site_takes_back_rights_that_were_given_by_hand(structures, person):
    regie, _ccas = structures
    person.groups.add(Group.objects.get(name=editors_group_name(regie)))
    call_command("setup_site", verbosity=0)
    assert group_names(person) == set()


def test_deleting_a_structure_deletes_its_editors_group(structures, person):
    regie, _ccas = structures
    Membership.objects.create(user=person, structure=regie, role=Role.EDITOR)
    name = editors_group_name(regie)
    regie.delete()
    assert not Group.objects.filter(name=name).exists()
    assert group_names(person) == set()
