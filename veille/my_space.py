"""The watch's part of "Mon espace": where the person's structures stand on calls."""

from veille import rights, selectors


def my_space_block(request) -> dict | None:
    structures = rights.own_structures(request.user)
    interests = selectors.interests_of(structures, limit=10)
    if not interests:
        return None
    return {"template": "veille/my_space_block.html", "interests": interests}
