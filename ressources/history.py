"""A resource's public history: its versions, any one of them, any two compared, and what
changed since a signed-in person's last visit.

Every publication is a Wagtail revision. Visitors and participants see the published ones;
editors of the resource (`may_edit`) also see drafts. Restoring is Wagtail's own: the version
page links editors to `revisions_revert`, which opens the editor on the old content, and
publishing it makes a new revision.
"""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from wagtail.models import PageLogEntry, Revision

from ressources import diff
from ressources.models import RessourcePage, Visit
from ressources.rights import may_edit
from website.privacy_services import display_name

PER_PAGE = 20
PUBLISH = "wagtail.publish"
MAX_ID = 2**31 - 1


def version_label(revision: Revision) -> str:
    return date_format(timezone.localtime(revision.created_at), "j F Y à H\xa0\\h\xa0i")


def visible_revisions(page: RessourcePage, *, editor: bool) -> QuerySet:
    """This page's revisions, newest first, with `published` (went live at some point);
    the published ones only, unless for an editor."""
    published = Exists(
        PageLogEntry.objects.filter(page_id=page.pk, revision_id=OuterRef("pk"), action=PUBLISH)
    )
    revisions = (
        page.revisions.select_related("user")
        .annotate(
            published=ExpressionWrapper(
                Q(published) | Q(pk=page.live_revision_id), output_field=BooleanField()
            )
        )
        .order_by("-created_at", "-pk")
    )
    return revisions if editor else revisions.filter(published=True)


@dataclass
class Entry:
    revision: Revision
    author: str
    label: str
    url: str
    published: bool
    current: bool
    previous: Revision | None = None
    compare_url: str = ""
    added: int = 0
    removed: int = 0


def _version_field(label, required, invalid) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=MAX_ID,
        error_messages={"required": required}
        | dict.fromkeys(("invalid", "min_value", "max_value"), invalid),
    )


class CompareForm(forms.Form):
    de = _version_field(
        _("Version de départ"),
        _("Choisissez la version de départ."),
        _("La version de départ n'est pas valide."),
    )
    a = _version_field(
        _("Version d'arrivée"),
        _("Choisissez la version d'arrivée."),
        _("La version d'arrivée n'est pas valide."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].widget = forms.Select(choices=choices)


class Urls:
    """The history's addresses for one resource."""

    def __init__(self, page: RessourcePage, request):
        self.page = page
        self.page_url = page.get_url(request) or ""
        self.history = self.page_url + page.reverse_subpage("history")
        self.compare_form = self.page_url + page.reverse_subpage("compare")

    def version(self, revision_id: int) -> str:
        return self.page_url + self.page.reverse_subpage("version", args=[revision_id])

    def compare(self, old_id: int, new_id: int) -> str:
        return f"{self.compare_form}?{urlencode({'de': old_id, 'a': new_id})}"


def _entry(revision: Revision, page: RessourcePage, urls: Urls) -> Entry:
    return Entry(
        revision=revision,
        author=display_name(revision.user),
        label=version_label(revision),
        url=urls.version(revision.pk),
        published=revision.published,
        current=revision.pk == page.live_revision_id,
    )


def _render(request, page, template: str, status: int = 200, **context) -> TemplateResponse:
    return TemplateResponse(
        request,
        f"ressources/history/{template}",
        {"page": page, "self": page, "history_url": Urls(page, request).history, **context},
        status=status,
    )


# --- The resource page ----------------------------------------------------------------------


def page_context(request, page: RessourcePage) -> dict:
    """The history link and, for a signed-in person whom others' publications have passed
    since their last visit, a link comparing the version they saw with the current one.

    Records the visit. Two queries for a signed-in person (their visit with what was published
    around it, then the upsert), none for a visitor, whatever the page's history.
    """
    urls = Urls(page, request)
    context = {"history_url": urls.history, "history_changed": None}
    user = request.user
    if not user.is_authenticated or getattr(request, "is_preview", False):
        return context
    publications = PageLogEntry.objects.filter(page_id=page.pk, action=PUBLISH)
    visit = (
        Visit.objects.filter(user=user, page=page)
        .annotate(
            seen_revision_id=Subquery(
                publications.filter(timestamp__lte=OuterRef("seen_at"))
                .order_by("-timestamp", "-pk")
                .values("revision_id")[:1]
            ),
            changed_by_others=Exists(
                publications.filter(timestamp__gt=OuterRef("seen_at")).exclude(user_id=user.pk)
            ),
        )
        .first()
    )
    Visit.objects.bulk_create(
        [Visit(user=user, page=page, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "page"],
        update_fields=["seen_at"],
    )
    if visit and visit.changed_by_others:
        seen, current = visit.seen_revision_id, page.live_revision_id
        context["history_changed"] = {
            "seen_at": visit.seen_at,
            "url": urls.compare(seen, current) if seen and current else urls.history,
        }
    return context


# --- The history ----------------------------------------------------------------------------


def history(request, page: RessourcePage) -> TemplateResponse:
    """The versions, newest first, each with its author, date and words added and removed
    since the one before it; a form to compare any two."""
    urls = Urls(page, request)
    revisions = visible_revisions(page, editor=may_edit(request.user, page))
    paginator = Paginator(revisions, PER_PAGE)
    listing = paginator.get_page(request.GET.get("page"))
    start = max(listing.start_index() - 1, 0)
    # One more than shown: the last one shown is compared with the one before it.
    rows = list(revisions[start : start + PER_PAGE + 1]) if paginator.count else []
    parts = [diff.version_parts(revision.content) for revision in rows]
    names = diff.resolve_names(parts)
    entries = []
    for index, revision in enumerate(rows[:PER_PAGE]):
        entry = _entry(revision, page, urls)
        if index + 1 < len(rows):
            previous = rows[index + 1]
            comparison = diff.compare(parts[index + 1], parts[index], names)
            entry.previous = previous
            entry.compare_url = urls.compare(previous.pk, revision.pk)
            entry.added, entry.removed = comparison.added, comparison.removed
        entries.append(entry)
    choices = [(entry.revision.pk, f"{entry.label} — {entry.author}") for entry in entries]
    form = CompareForm(
        initial={
            "de": entries[1].revision.pk if len(entries) > 1 else None,
            "a": entries[0].revision.pk if entries else None,
        },
        choices=choices,
    )
    return _render(
        request,
        page,
        "history.html",
        entries=entries,
        listing=listing,
        paginator=paginator,
        form=form,
        compare_action=urls.compare_form,
    )


# --- One version ----------------------------------------------------------------------------


def version(request, page: RessourcePage, revision_id: int) -> TemplateResponse:
    """A past version, read-only, under a banner saying it is not the current one; editors get
    Wagtail's "restore" (the editor opened on this content)."""
    editor = may_edit(request.user, page)
    revision = (
        visible_revisions(page, editor=editor).filter(pk=revision_id).first()
        if 0 < revision_id <= MAX_ID
        else None
    )
    if revision is None:
        raise Http404
    urls = Urls(page, request)
    entry = _entry(revision, page, urls)
    current_id = page.live_revision_id
    return _render(
        request,
        page,
        "version.html",
        entry=entry,
        old=page.with_content_json(revision.content),
        compare_with_current_url=urls.compare(revision.pk, current_id)
        if current_id and not entry.current
        else "",
        restore_url=reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, revision.pk])
        if editor and not entry.current
        else "",
    )


# --- Two versions compared ------------------------------------------------------------------


def compare(request, page: RessourcePage) -> TemplateResponse:
    """`?de=<id>&a=<id>`: what changed from one version to the other, word by word."""
    form = CompareForm(request.GET)
    if not form.is_valid():
        return _render(request, page, "compare.html", status=400, form=form, errors=form.errors)
    wanted = {form.cleaned_data["de"], form.cleaned_data["a"]}
    editor = may_edit(request.user, page)
    found = {rev.pk: rev for rev in visible_revisions(page, editor=editor).filter(pk__in=wanted)}
    if set(found) != wanted:
        return _render(
            request,
            page,
            "compare.html",
            status=404,
            form=form,
            missing=_("Cette version n'existe pas, ou n'est pas une version de cette ressource."),
        )
    old, new = sorted(
        (found[form.cleaned_data["de"]], found[form.cleaned_data["a"]]),
        key=lambda revision: (revision.created_at, revision.pk),
    )
    old_parts, new_parts = diff.version_parts(old.content), diff.version_parts(new.content)
    comparison = diff.compare(old_parts, new_parts, diff.resolve_names([old_parts, new_parts]))
    urls = Urls(page, request)
    return _render(
        request,
        page,
        "compare.html",
        form=form,
        old=_entry(old, page, urls),
        new=_entry(new, page, urls),
        comparison=comparison,
    )
