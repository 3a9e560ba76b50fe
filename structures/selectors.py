"""Reads that span relations, for the structures' pages, listings, feeds and home blocks."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from wagtail.models import Page

from structures.models import LieuPage, NewsPage, StructurePage
from website.queries import without_restricted


def with_structure(pages: QuerySet) -> QuerySet:
    """Annotate pages that live under a structure with its title, URL path, SIRET and slug.

    The structure is the parent page: match the parent's tree path in one subquery instead of
    one get_parent() per item.
    """
    parent_path = Substr("path", 1, Length("path") - Page.steplen)
    structures = StructurePage.objects.filter(path=OuterRef("parent_path"))
    return pages.annotate(parent_path=parent_path).annotate(
        structure_title=Subquery(structures.values("title")[:1]),
        structure_url_path=Subquery(structures.values("url_path")[:1]),
        structure_siret=Subquery(structures.values("siret_ou_rna")[:1]),
        structure_slug=Subquery(structures.values("slug")[:1]),
        structure_last_verified=Subquery(structures.values("last_verified")[:1]),
    )


def published_news() -> QuerySet:
    """Live, public news items, newest first, with their structure's title."""
    news = without_restricted(NewsPage.objects.live()).defer_streamfields().select_related("image")
    return with_structure(news).order_by("-date", "-first_published_at", "-pk")


def news_feed_state(size: int) -> tuple[tuple, datetime | None]:
    """The feed's version and last change, from exactly what it shows: its `size` newest items.

    Publishing, editing or withdrawing any of them changes the version; one small query.
    """
    rows = list(
        without_restricted(NewsPage.objects.live())
        .order_by("-date", "-first_published_at", "-pk")
        .values_list("pk", "latest_revision_id", "last_published_at", "first_published_at")[:size]
    )
    changes = [
        published or first for _pk, _revision, published, first in rows if published or first
    ]
    return tuple(rows), max(changes, default=None)


def directory_places() -> QuerySet:
    """Live, public places with their terms and structure, for the directory and its exports."""
    places = without_restricted(LieuPage.objects.live()).prefetch_related("terms")
    return with_structure(places).order_by("title", "pk")


def with_any_term(places: QuerySet, terms) -> QuerySet:
    """Places carrying at least one of `terms` (an EXISTS, so no duplicates and no extra join)."""
    links = LieuPage.terms.through.objects.filter(lieupage_id=OuterRef("pk"), term__in=terms)
    return places.filter(Exists(links))


def directory_communes() -> list[str]:
    places = without_restricted(LieuPage.objects.live()).exclude(commune="")
    return list(places.values_list("commune", flat=True).distinct().order_by("commune"))


def postcode_centre(code: str) -> tuple[float, float] | None:
    """The centre of the network's places with this postcode (no geocoding service is called)."""
    return _centre(_located_places().filter(code_postal=code))


@dataclass(frozen=True)
class Departement:
    code: str  # « 73 », « 2A », « 974 »
    postcode_prefixes: tuple[str, ...]


def departement_of(code: str) -> Departement:
    """The département a five-digit postcode belongs to, read from its digits alone.

    Overseas postcodes (97x, 98x) name theirs with three digits; Corsica's 20xxx split between
    Corse-du-Sud (200xx–201xx) and Haute-Corse (202xx and above).
    """
    if code.startswith(("97", "98")):
        return Departement(code[:3], (code[:3],))
    if code.startswith("20"):
        if code[2] in "01":
            return Departement("2A", ("200", "201"))
        return Departement("2B", tuple(f"20{digit}" for digit in "23456789"))
    return Departement(code[:2], (code[:2],))


def departement_centre(departement: Departement) -> tuple[float, float] | None:
    """The centre of the network's places in a département, when a postcode has none of its own."""
    in_departement = Q()
    for prefix in departement.postcode_prefixes:
        in_departement |= Q(code_postal__startswith=prefix)
    return _centre(_located_places().filter(in_departement))


def _located_places() -> QuerySet:
    places = without_restricted(LieuPage.objects.live())
    return places.filter(latitude__isnull=False, longitude__isnull=False)


def _centre(places: QuerySet) -> tuple[float, float] | None:
    centre = places.aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    if centre["latitude"] is None:
        return None
    return centre["latitude"], centre["longitude"]
