from .membership import Facilitator, Invitation, Membership, Role
from .pages import (
    LieuIndexPage,
    LieuPage,
    NewsIndexPage,
    NewsPage,
    StructureIndexPage,
    StructurePage,
    StructureTag,
)
from .terms import Term, Vocabulary

__all__ = [
    "Facilitator",
    "Invitation",
    "Membership",
    "Role",
    "LieuIndexPage",
    "LieuPage",
    "NewsIndexPage",
    "NewsPage",
    "StructureIndexPage",
    "StructurePage",
    "StructureTag",
    "Term",
    "Vocabulary",
]
