"""The watch's part of "Mon espace": where the person's structures stand on calls."""

from veille import rights, selectors


def my_space_block(request) -> dict | None:
    structures = rights.own_structures(request.user)
    interests = selectors.interests_of(structures, limit=10)
    if not interests:
        return None
    return {"template": "veille/my_space_block.html", "interests": interests}


def export_data(user) -> dict:
    return {
        "call_interests_recorded": [
            {
                "call": interest.call.title,
                "call_id": interest.call_id,
                "structure": interest.structure.title,
                "status": interest.status,
                "note": interest.note,
            }
            for interest in selectors.interests_recorded_by(user)
        ]
    }
