"""Query helpers every app's listings share."""

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr

from wagtail.models import PageViewRestriction


def without_restricted(pages: QuerySet) -> QuerySet:
    """`pages` minus those at or under a view restriction, as a subquery of the same query.

    Wagtail's `public()` reads every restriction first: one more round trip per listing. Not
    for querysets handed to a search backend, which filters on its own filter fields only.
    """
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return pages.exclude(Exists(restricted))
