"""Editors of A can change A's things and nothing of B's; members, facilitators, deactivated and
former editors cannot touch structure pages by any admin route, bulk actions included."""

import pytest

from tests.permissions import ROLES, build_network, mismatches, module_network

structure_network = module_network(build_network)


@pytest.mark.parametrize("role", ROLES)
def test_structure_pages_obey_the_permission_matrix(structure_network, db, role):
    problems = mismatches(structure_network, role)
    assert not problems, "\n".join(problems)
