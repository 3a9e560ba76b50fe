"""The wiki's part of "Mon espace" (see structures.views): what the person follows, their
questions still waiting for an answer, their latest comments. Personal data: privacy.py."""

from django.urls import reverse

from ressources import discussion, following, selectors
from ressources import discussion_selectors as comments

LIMIT = 5


def my_space_block(request) -> dict | None:
    user = request.user
    follows = following.follows_of(user)
    questions = comments.open_questions(LIMIT, author=user)
    recent = comments.recent_comments_of(user, LIMIT)
    writer = discussion.may_comment(user)
    if not (follows or questions or recent or writer):
        return None
    moderator = discussion.may_moderate(user)
    return {
        "template": "ressources/my_space_block.html",
        "whole_wiki": any(not item.page_id and not item.tag_id for item in follows),
        "pages": [item.page for item in follows if item.page_id],
        "tags": [item.tag for item in follows if item.tag_id],
        "questions": questions,
        "comments": recent,
        "reported": comments.reported_count() if moderator else None,
        "reported_url": reverse("ressources_comments_reported"),
        "follows_url": reverse("ressources_follows"),
        "wiki_url": selectors.wiki_url(),
    }
