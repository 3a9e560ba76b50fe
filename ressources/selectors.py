"""Reads for the wiki's home and its resource pages."""

from taggit.models import Tag

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from wagtail.models import Page, Site

from ressources.models import (
    RelatedBilan,
    RelatedMethod,
    RessourceIndexPage,
    RessourcePage,
    RessourceTag,
    Theme,
)
from website.page_cache import memoize
from website.queries import without_restricted


def published_ressources() -> QuerySet:
    """Live, public resources, most recently updated first, with what their cards show (themes,
    tags) prefetched: a fixed number of queries whatever their number."""
    pages = without_restricted(RessourcePage.objects.live()).defer_streamfields()
    return pages.prefetch_related("themes", "tagged_items__tag").order_by(
        "-last_published_at", "-pk"
    )


def filtered(ressources: QuerySet, *, theme=None, tag: str = "", kind: str = "") -> QuerySet:
    if theme is not None:
        ressources = ressources.filter(
            Exists(
                RessourcePage.themes.through.objects.filter(
                    ressourcepage_id=OuterRef("pk"), theme=theme
                )
            )
        )
    if tag:
        ressources = ressources.filter(
            Exists(RessourceTag.objects.filter(content_object_id=OuterRef("pk"), tag__slug=tag))
        )
    if kind:
        ressources = ressources.filter(kind=kind)
    return ressources


def _live_count(relation: str) -> Count:
    live = without_restricted(RessourcePage.objects.live()).values("pk")
    return Count(relation, filter=Q(**{f"{relation}__in": live}), distinct=True)


def themes_with_counts() -> list[Theme]:
    """Every theme with its number of published resources (`count`), in one query."""
    return list(Theme.objects.annotate(count=_live_count("ressources")).order_by("name"))


def tags_in_use(limit: int = 30) -> list[Tag]:
    """The wiki's most used tags (not the agenda's or the structures'), by use then name."""
    links = RessourceTag.objects.filter(
        content_object__in=without_restricted(RessourcePage.objects.live()).values("pk")
    )
    counts = (
        Tag.objects.filter(pk__in=links.values("tag_id"))
        .annotate(
            count=Count(
                "ressources_ressourcetag_items",
                filter=Q(ressources_ressourcetag_items__in=links),
                distinct=True,
            )
        )
        .order_by("-count", "name")
    )
    return list(counts[:limit])


def recently_updated(limit: int = 5) -> list[RessourcePage]:
    pages = without_restricted(RessourcePage.objects.live()).defer_streamfields()
    return list(pages.order_by("-last_published_at", "-pk")[:limit])


def sub_ressources(page: RessourcePage) -> QuerySet:
    return without_restricted(RessourcePage.objects.child_of(page).live()).defer_streamfields()


def bilans_links(page: RessourcePage) -> tuple[list[Page], list[Page]]:
    """The live methods and review days chosen on a resource, in the editor's order.

    The links are read through the page (from memory for a preview), the pages in one query.
    """
    methods = [link.target_id for link in page.related_methods.all()]
    bilans = [link.target_id for link in page.related_bilans.all()]
    if not methods and not bilans:
        return [], []
    found = without_restricted(Page.objects.live()).in_bulk(methods + bilans)
    return [found[pk] for pk in methods if pk in found], [found[pk] for pk in bilans if pk in found]


def ressources_linking_to(page: Page) -> QuerySet:
    """Published resources that chose `page` as a related method or review day."""
    return published_ressources().filter(
        Exists(RelatedMethod.objects.filter(page_id=OuterRef("pk"), target_id=page.pk))
        | Exists(RelatedBilan.objects.filter(page_id=OuterRef("pk"), target_id=page.pk))
    )


def wiki_url(request=None) -> str:
    """The wiki home's address, kept by each process until the next content change."""

    def find() -> str:
        index = RessourceIndexPage.objects.live().only("id", "url_path").first()
        return index.get_url(request) if index else ""

    if request is None:
        return find()
    site = Site.find_for_request(request)
    return memoize(request, f"wiki-url:{site.pk if site else ''}", find)
