from .membership import Facilitator, Membership, Role
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
