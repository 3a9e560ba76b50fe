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
