"""The context of a home-page section, shared by each app's inclusion tag."""

from wagtail.models import Page

from website.queries import without_restricted


def home_section(
    context, index_model: type[Page], *, heading: str, items=(), item_template: str = ""
) -> dict:
    """`context` is the calling template's: its request lets `pageurl` reuse the site's root paths."""
    index = without_restricted(index_model.objects.live()).only("id", "title", "url_path").first()
    return {
        "request": context.get("request"),
        "heading": heading,
        "index": index,
        "items": items,
        "item_template": item_template,
        "empty_message": index_model.empty_message,
    }
