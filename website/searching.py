"""Reads for the site search: which pages a visitor may find, and a page of results.

Whichever backend is configured answers (whoosh by default). Whoosh accepts any string; the
database backends can refuse odd syntax (SQLite's FTS5 raises on some punctuation): a query
the backend refuses gives SearchRefused, which callers turn into a French message, never an
error page.

Each result's useful fact comes from its page type: a page model may define

    @classmethod
    def search_result_facts(cls, pages, *, now) -> dict[int, str]

which returns, for a list of its pages, the line to show under each (a place's commune and
whether it is open, an event's next date…), in a fixed number of queries whatever the number
of pages. So this module names no app, and the results page costs the same few queries for
one result or twenty.
"""

import logging
import unicodedata
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from modelsearch.backends import get_search_backend
from modelsearch.index import AutocompleteField, FilterField, SearchField
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from website.search.excerpts import excerpt, highlight, plain_text, query_terms

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
# Drafts an editor may find: the most recently edited, so that the filter stays small.
MAX_DRAFTS = 300
AUTOCOMPLETE_SIZE = 8
AUTOCOMPLETE_MIN_LENGTH = 2


class SearchRefused(Exception):
    """The backend could not run this query; the caller shows a French message."""


def search(queryset, query: str, *, limit: int, **options) -> list:
    """Up to `limit` objects of `queryset` matching `query`, best first."""
    with _refusals():
        return list(queryset.search(query, **options)[:limit])


@contextmanager
def _refusals():
    """Backend work in a savepoint, so that PostgreSQL's aborted transaction does not outlive
    the error; the backend's refusal becomes SearchRefused. Outside a transaction (a page
    request) each statement commits on its own and nothing outlives a failure: no savepoint,
    no empty BEGIN and COMMIT around a search the index answers alone."""
    try:
        with (
            transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
        ):
            yield
    except DatabaseError as error:
        logger.warning("Search backend refused a query: %s", error)
        raise SearchRefused from error


# Queries -------------------------------------------------------------------------------------


def clean_query(raw: str) -> tuple[str, str]:
    """The query as searched (no control characters, spaces collapsed, at most
    MAX_QUERY_LENGTH characters) and a French notice when it had to be changed."""
    printable = "".join(
        " "
        if unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
        else character
        for character in raw
    )
    query = " ".join(printable.split())
    if len(query) > MAX_QUERY_LENGTH:
        return " ".join(query[:MAX_QUERY_LENGTH].split()), _(
            "Votre recherche était très longue : seuls ses %(count)s premiers caractères ont été pris en compte."
        ) % {"count": MAX_QUERY_LENGTH}
    return query, ""


def search_language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


# Who sees what -------------------------------------------------------------------------------


def _failed_restrictions(request) -> list[str]:
    """Paths of the private sections this request may not see."""
    user = request.user
    if user.is_authenticated and user.is_superuser:
        return []
    restrictions = list(
        PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    )
    group_ids = (
        set(user.groups.values_list("pk", flat=True))
        if user.is_authenticated and any(r.restriction_type == r.GROUPS for r in restrictions)
        else set()
    )

    def passes(restriction) -> bool:
        if restriction.restriction_type == restriction.GROUPS:
            return bool(group_ids & {group.pk for group in restriction.groups.all()})
        return restriction.accept_request(request)

    return [restriction.page.path for restriction in restrictions if not passes(restriction)]


def editable_draft_ids(user) -> list[int]:
    """Pages this person may edit that are not published: their drafts."""
    if not user.is_authenticated:
        return []
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return list(
        pages.filter(live=False, depth__gt=1)
        .order_by("-latest_revision_created_at", "-pk")
        .values_list("pk", flat=True)[:MAX_DRAFTS]
    )


def visible_pages(request, *, drafts: bool = True) -> QuerySet:
    """The pages a search may show this request: published ones outside the private sections
    it may not enter, and, with `drafts`, the drafts of pages it may edit."""
    visible = Q(live=True)
    hidden = Q()
    for path in _failed_restrictions(request):
        hidden |= Q(path__startswith=path)
    if hidden:
        visible &= ~hidden
    draft_ids = editable_draft_ids(request.user) if drafts else []
    if draft_ids:
        visible |= Q(pk__in=draft_ids)
    return Page.objects.filter(visible)


# Results -------------------------------------------------------------------------------------


@dataclass
class Result:
    page: Page
    url: str
    type_label: str
    title: SafeString
    excerpt: SafeString
    fact: str
    is_draft: bool


@dataclass
class TypeChoice:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class SiteSearch:
    query: str
    notice: str = ""
    refused: bool = False
    total: int = 0
    results: PaginatorPage | None = None
    types: list[TypeChoice] = field(default_factory=list)
    selected_type: TypeChoice | None = None
    suggestion: str = ""

    @property
    def all_count(self) -> int:
        return sum(choice.count for choice in self.types)


def page_models_by_key() -> dict[str, type]:
    from wagtail.models import get_page_models

    return {model._meta.label_lower: model for model in get_page_models()}


def _type_counts(pages: QuerySet, query: str) -> dict[type, int]:
    from django.contrib.contenttypes.models import ContentType

    counts = pages.search(query, operator="and").facet("content_type_id")
    by_model = {}
    for content_type_id, count in counts.items():
        if content_type_id is None or not count:
            continue
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except ContentType.DoesNotExist:
            # An index entry outlived its model's content type: nothing to show for it.
            continue
        if model is not None:
            by_model[model] = by_model.get(model, 0) + count
    return by_model


def search_site(request, raw_query: str, *, type_key: str = "", page_number=None, now: datetime):
    """A page of results for `raw_query`, with counts by type and a spelling suggestion."""
    query, notice = clean_query(raw_query)
    found = SiteSearch(query=query, notice=notice)
    if not query:
        return found
    pages = visible_pages(request)
    try:
        with _refusals():
            counts = _type_counts(pages, query)
        found.types = sorted(
            (
                TypeChoice(
                    key=model._meta.label_lower,
                    label=capfirst(model._meta.verbose_name_plural),
                    count=count,
                    selected=model._meta.label_lower == type_key,
                )
                for model, count in counts.items()
            ),
            key=lambda choice: (-choice.count, choice.label),
        )
        found.selected_type = next((choice for choice in found.types if choice.selected), None)
        if found.selected_type:
            model = page_models_by_key()[found.selected_type.key]
            shown = pages.type(model)
        else:
            shown = pages
        with _refusals():
            results = shown.specific().search(query, operator="and")
            paginator = Paginator(results, PER_PAGE)
            # The counts by type already tell the total: the database backends would run the
            # full-text query once more to count.
            paginator.count = found.selected_type.count if found.selected_type else found.all_count
            found.results = paginator.get_page(page_number)
            found.total = paginator.count
            found.results.object_list = describe(
                request, list(found.results.object_list), query=query, now=now
            )
        if not found.total:
            found.suggestion = spelling_suggestion(pages, query)
    except SearchRefused:
        found.refused = True
        found.results = None
    return found


def spelling_suggestion(pages: QuerySet, query: str) -> str:
    """A corrected query that finds something among `pages`, from backends that can say
    (whoosh); empty otherwise."""
    backend = get_search_backend()
    suggest = getattr(backend, "suggest_spelling", None)
    if suggest is None:
        return ""
    suggestion = suggest(Page, query)
    if not suggestion or suggestion == query:
        return ""
    with _refusals():
        return suggestion if pages.search(suggestion, operator="and").count() else ""


def _page_text(page) -> str:
    """What a result's excerpt is cut from: its summary, then its searchable text."""
    texts = [page.get_listing_summary()] if hasattr(page, "get_listing_summary") else []
    for search_field in page.get_search_fields():
        if (
            isinstance(search_field, SearchField)
            and not isinstance(search_field, (AutocompleteField, FilterField))
            and search_field.field_name != "title"
        ):
            value = search_field.get_value(page)
            if isinstance(value, (list, tuple)):
                texts += [str(item) for item in value]
            elif value:
                texts.append(str(value))
    return plain_text(" ".join(dict.fromkeys(text for text in texts if text)))


def describe(request, pages: list, *, query: str, now: datetime) -> list[Result]:
    """Each page as a result: type, highlighted title and excerpt, its type's fact."""
    language = search_language()
    terms = query_terms(query, language)
    facts = {}
    by_model = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, model_pages in by_model.items():
        if hasattr(model, "search_result_facts"):
            facts.update(model.search_result_facts(model_pages, now=now))
    results = []
    for page in pages:
        is_draft = not page.live
        url = (
            reverse("wagtailadmin_pages:edit", args=[page.pk])
            if is_draft
            else page.get_url(request)
        )
        results.append(
            Result(
                page=page,
                url=url,
                type_label=capfirst(page._meta.verbose_name),
                title=highlight(page.title, terms, language),
                excerpt=excerpt(_page_text(page), terms, language),
                fact=facts.get(page.pk, ""),
                is_draft=is_draft,
            )
        )
    return results


# Autocomplete and empty state ------------------------------------------------------------------


def autocomplete(request, raw_query: str) -> list[dict]:
    """A few published pages whose title starts words as typed, for the search box."""
    from django.contrib.contenttypes.models import ContentType

    query, _notice = clean_query(raw_query)
    if len(query) < AUTOCOMPLETE_MIN_LENGTH:
        return []
    pages = visible_pages(request, drafts=False).only("id", "title", "url_path", "content_type")
    with _refusals():
        found = list(pages.autocomplete(query, operator="and")[:AUTOCOMPLETE_SIZE])
    return [
        {
            "title": page.title,
            "url": page.get_url(request),
            "type": capfirst(
                ContentType.objects.get_for_id(page.content_type_id)
                .model_class()
                ._meta.verbose_name
            ),
        }
        for page in found
    ]


@dataclass
class Section:
    page: Page
    highlights: list = field(default_factory=list)


def sections_to_explore(request) -> list[Section]:
    """The site's sections (the menu: directory, agenda, resources…), each with the pages it
    proposes to someone whose search found nothing, if it says (`search_empty_state_pages`)."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    hidden = _failed_restrictions(request)
    sections = []
    for section in site.root_page.get_children().live().in_menu().specific():
        if any(section.path.startswith(path) for path in hidden):
            continue
        proposed = getattr(section, "search_empty_state_pages", None)
        sections.append(Section(page=section, highlights=list(proposed()) if proposed else []))
    return sections
