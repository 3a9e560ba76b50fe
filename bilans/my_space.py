"""The bilans' part of "Mon espace": the open actions of the person's structures, and the
boards where they update them (see structures.views)."""

from bilans import rights, selectors

LIMIT = 10


def my_space_block(request) -> dict | None:
    user = request.user
    structure_ids = rights.member_structure_ids(user)
    facilitator = rights.is_facilitator(user)
    index = selectors.bilan_index()
    if index is None or not (structure_ids or facilitator):
        return None
    actions = list(selectors.open_actions_of(structure_ids)[:LIMIT]) if structure_ids else []
    return {
        "template": "bilans/my_space_block.html",
        "actions": actions,
        "index": index,
        "facilitator": facilitator,
    }
