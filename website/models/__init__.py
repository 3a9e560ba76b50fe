from .media import RelaisDocument, RelaisImage, RelaisRendition
from .pages import BasePage, HomePage, IndexPage, StandardPage
from .settings import NetworkSettings

__all__ = [
    "BasePage",
    "HomePage",
    "IndexPage",
    "NetworkSettings",
    "RelaisDocument",
    "RelaisImage",
    "RelaisRendition",
    "StandardPage",
]
