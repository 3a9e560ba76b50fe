"""What the admin's page editor sends for a review day, as a browser would post it: every
block, list item and inline row with its id, so that a round trip shows what an edit keeps."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text


def block_data(block, value):
    """`value` of `block` as the editor's nested form data."""
    if isinstance(block, blocks.StreamBlock):
        return _numbered(
            [
                {
                    "type": child.block_type,
                    "value": block_data(child.block, child.value),
                    "id": child.id or "",
                }
                for child in value
            ]
        )
    if isinstance(block, blocks.ListBlock):
        return _numbered(
            [
                {"value": block_data(block.child_block, child.value), "id": child.id or ""}
                for child in value.bound_blocks
            ]
        )
    if isinstance(block, blocks.StructBlock):
        return {
            name: block_data(child, value.get(name)) for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.RichTextBlock):
        return rich_text(value.source if isinstance(value, RichText) else value or "")
    if isinstance(block, blocks.PageChooserBlock | DocumentChooserBlock):
        return value.pk if value else ""
    if isinstance(block, blocks.BooleanBlock):
        return "on" if value else ""
    return "" if value is None else str(value)


def _numbered(children: list[dict]) -> dict:
    data = {
        str(index): child | {"deleted": "", "order": str(index)}
        for index, child in enumerate(children)
    }
    data["count"] = str(len(children))
    return data


def editor_post(page, **changes) -> dict:
    participations = [
        {"id": row.pk, "structure": row.structure_id, "people": row.people}
        for row in page.participations.all()
    ]
    fields = {
        "title": page.title,
        "slug": page.slug,
        "date": page.date.isoformat(),
        "place": page.place_id or "",
        "address": page.address,
        "objectives": page.objectives,
        "facilitators": page.facilitators,
        "guests": page.guests,
        "sections": block_data(page.sections.stream_block, page.sections),
        "participations": inline_formset(participations, initial=len(participations)),
        "action-publish": "action-publish",
    } | changes
    return nested_form_data(fields)
