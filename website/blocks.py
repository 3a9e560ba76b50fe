"""Blocks shared by every app's page bodies."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageBlock
from wagtail.rich_text import RichText

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


# Stream values written by code (the site's set-up and the demo), in the blocks' own shape.
def paragraph(html: str) -> tuple:
    return ("paragraph", RichText(html))


def heading(text: str) -> tuple:
    return ("heading", {"text": text, "level": "h2"})


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("titre"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("niveau"),
        choices=[("h2", _("Titre de section")), ("h3", _("Sous-titre"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Titre")
        template = "components/blocks/heading.html"
        description = _("Un titre de section, pour découper un texte long.")
        preview_value = {"text": "Horaires et accès", "level": "h2"}


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=80, default=_("À savoir"))
    text = blocks.RichTextBlock(label=_("texte"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Encadré « à savoir »")
        template = "components/blocks/callout.html"
        description = _("Une information à ne pas manquer, mise en avant.")
        preview_value = {
            "title": "À savoir",
            "text": "<p>Pensez à apporter une pièce d'identité.</p>",
        }


class LinkButtonBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("libellé"), max_length=60)
    page = blocks.PageChooserBlock(label=_("page du site"), required=False)
    url = blocks.URLBlock(label=_("ou adresse web"), required=False)

    class Meta:
        icon = "link"
        label = _("Bouton")
        template = "components/blocks/link_button.html"
        description = _("Un lien mis en valeur vers une page du site ou une adresse web.")
        preview_value = {"label": "Trouver un espace numérique", "url": "https://example.org"}

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": blocks.BlockValidationError(
                        _("Choisissez une page du site ou une adresse web, pas les deux.")
                    )
                }
            )
        return value


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraphe"),
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="components/blocks/paragraph.html",
        description=_("Du texte mis en forme : gras, listes, liens."),
        preview_value="<p>Les ateliers ont lieu chaque vendredi matin.</p>",
    )
    callout = CalloutBlock()
    image = ImageBlock(
        label=_("Image"),
        template="components/blocks/image.html",
        description=_("Une image avec son texte alternatif et une légende facultative."),
    )
    button = LinkButtonBlock()

    class Meta:
        template = "components/blocks/body.html"


class RetentionListBlock(blocks.StaticBlock):
    """What the site keeps and for how long, read from the limits the code applies each time the
    page is shown: the privacy page cannot drift from what `purge_personal_data` does."""

    def get_context(self, value, parent_context=None):
        # Imported here: the rules come from every app, whose models import these blocks.
        from website.privacy_services import retention_rules

        context = super().get_context(value, parent_context)
        context["rules"] = retention_rules()
        return context

    class Meta:
        label = _("Durées de conservation")
        admin_text = _(
            "La liste de ce que le site conserve et pendant combien de temps, "
            "tenue à jour automatiquement."
        )
        icon = "list-ul"
        template = "components/blocks/retention_list.html"


class StandardBodyBlock(BodyBlock):
    """The body of a standard page: the shared blocks, and the list of retention limits."""

    retention = RetentionListBlock()
