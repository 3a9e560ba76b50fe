"""The agenda's part of "Mon espace" (see structures.views); its personal data: privacy.py."""

from agenda import selectors


def my_space_block(request) -> dict:
    user = request.user
    moderates = selectors.moderates_anything(user)
    return {
        "template": "agenda/my_space_block.html",
        "proposals": selectors.proposals_of(user, limit=5),
        "waiting": len(selectors.waiting_for(user)) if moderates else 0,
        "moderates": moderates,
    }
