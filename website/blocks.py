"""Blocks shared by every app's page bodies."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


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


class LinkStructValue(blocks.StructValue):
    def get_url(self) -> str:
        page = self.get("page")
        return page.url if page else self.get("url") or ""


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
        value_class = LinkStructValue

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
