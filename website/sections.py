"""The context of a home-page section, shared by each app's inclusion tag."""

from django.contrib.contenttypes.models import ContentType

from wagtail.models import Page, get_page_models

from website.queries import without_restricted


def _index_pages(request) -> dict[int, Page]:
    """Every live, public index page (a type with an empty state), first of each type.

    Read once per request: the home page shows five sections, each linking to its index.
    """
    cached = getattr(request, "_relais_index_pages", None)
    if cached is not None:
        return cached
    models = [model for model in get_page_models() if "empty_message" in vars(model)]
    types = ContentType.objects.get_for_models(*models, for_concrete_models=False).values()
    pages = (
        without_restricted(
            Page.objects.live().filter(content_type__in=[content_type.id for content_type in types])
        )
        .only("id", "title", "url_path", "content_type_id")
        .order_by("path")
    )
    found: dict[int, Page] = {}
    for page in pages:
        found.setdefault(page.content_type_id, page)
    if request is not None:
        request._relais_index_pages = found
    return found


def home_section(
    context, index_model: type[Page], *, heading: str, items=(), item_template: str = ""
) -> dict:
    """`context` is the calling template's: its request lets `pageurl` reuse the site's root paths."""
    request = context.get("request")
    content_type = ContentType.objects.get_for_model(index_model, for_concrete_model=False)
    return {
        "request": request,
        "heading": heading,
        "index": _index_pages(request).get(content_type.id),
        "items": items,
        "item_template": item_template,
        "empty_message": index_model.empty_message,
    }
