from ressources.models.discussion import COMMENT_MAX_LENGTH, Comment, CommentReport
from ressources.models.following import DigestSubscription, Follow, Frequency, Visit
from ressources.models.pages import (
    Audience,
    AudienceField,
    Kind,
    Licence,
    RelatedBilan,
    RelatedMethod,
    RessourceIndexPage,
    RessourcePage,
    RessourceTag,
    Theme,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "Audience",
    "AudienceField",
    "Comment",
    "CommentReport",
    "DigestSubscription",
    "Follow",
    "Frequency",
    "Kind",
    "Licence",
    "RelatedBilan",
    "RelatedMethod",
    "RessourceIndexPage",
    "RessourcePage",
    "RessourceTag",
    "Theme",
    "Visit",
]
