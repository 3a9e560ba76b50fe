"""What the admin's editor sends for a resource, as a browser would post it."""

import re

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from ressources.models import RessourcePage


def editor_post(page: RessourcePage, *, action: str = "action-publish", **changes) -> dict:
    fields = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "kind": page.kind,
        "licence": page.licence,
        "body": streamfield([]),
        "comments": inline_formset([]),
        "related_methods": inline_formset([]),
        "related_bilans": inline_formset([]),
    } | changes
    if action:
        fields[action] = action.removeprefix("action-")
    return nested_form_data(fields)


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def loaded_revision(html: str) -> dict:
    """The hidden fields by which the editor tells Wagtail which version it started from."""
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("loaded_revision_id", "loaded_revision_created_at")
    }


def ping_url(html: str) -> str:
    """The editor's editing-session ping, which tells who else is editing or has saved."""
    return re.search(r'"(/admin/editing-sessions/ping/[^"]+)"', html).group(1)
