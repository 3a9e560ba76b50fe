"""The wiki's body: the shared blocks, plus what a how-to sheet needs (steps, checklists,
documents, links, tables, videos as links). Tables are plain core blocks so that no contrib app
is needed."""

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from website.blocks import RICH_TEXT_FEATURES, BodyBlock, LinkButtonBlock

MAX_TABLE_COLUMNS = 8


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("étape"), max_length=120)
    text = blocks.RichTextBlock(label=_("détail"), features=RICH_TEXT_FEATURES, required=False)


class StepsBlock(blocks.StructBlock):
    steps = blocks.ListBlock(StepBlock(), label=_("étapes"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Étapes numérotées")
        template = "ressources/blocks/steps.html"
        description = _("Une démarche pas à pas, chaque étape numérotée.")
        preview_value = {
            "steps": [
                {"title": "Écouter la demande", "text": "<p>Ce que la personne veut faire.</p>"},
                {"title": "Choisir la bonne structure", "text": ""},
            ]
        }


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=120, required=False)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("points"), min_num=1)

    class Meta:
        icon = "tasks"
        label = _("Liste à cocher")
        template = "ressources/blocks/checklist.html"
        description = _("Les points à vérifier avant d'agir.")
        preview_value = {
            "title": "Avant l'atelier",
            "items": ["Salle réservée", "Ordinateurs chargés"],
        }


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(
        label=_("libellé"), max_length=120, required=False, help_text=_("Par défaut, son titre.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document à télécharger")
        template = "ressources/blocks/document.html"
        description = _("Un modèle, une fiche ou un support à télécharger.")


class LinksBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=120, required=False)
    links = blocks.ListBlock(LinkButtonBlock(), label=_("liens"), min_num=1)

    class Meta:
        icon = "link"
        label = _("Liens utiles")
        template = "ressources/blocks/links.html"
        description = _("Une liste de pages du site ou d'adresses web.")
        preview_value = {
            "title": "Pour aller plus loin",
            "links": [{"label": "Trouver un espace numérique", "url": "https://example.org"}],
        }


class VideoValue(blocks.StructValue):
    def host(self) -> str:
        return urlsplit(self.get("url") or "").hostname or ""


class VideoBlock(blocks.StructBlock):
    """A video hosted elsewhere, shown as a link to it rather than played in the page: public
    pages load nothing from third parties (no tracking, `frame-src 'none'`), and the page stays
    light on a phone."""

    url = blocks.URLBlock(label=_("adresse de la vidéo"))
    title = blocks.CharBlock(label=_("titre"), max_length=200)
    duration = blocks.CharBlock(
        label=_("durée"), max_length=20, required=False, help_text=_("Par exemple : 4 min.")
    )

    class Meta:
        icon = "media"
        label = _("Vidéo")
        template = "ressources/blocks/video.html"
        description = _("Un lien vers une vidéo en ligne, avec son titre et sa durée.")
        value_class = VideoValue
        preview_value = {
            "url": "https://example.org/video",
            "title": "Créer son adresse électronique",
            "duration": "4 min",
        }


class TableRowBlock(blocks.StructBlock):
    cells = blocks.ListBlock(blocks.CharBlock(max_length=300, required=False), label=_("cases"))


class TableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(label=_("titre du tableau"), max_length=200)
    columns = blocks.ListBlock(
        blocks.CharBlock(max_length=120), label=_("en-têtes de colonnes"), min_num=1
    )
    rows = blocks.ListBlock(TableRowBlock(), label=_("lignes"), min_num=1)

    class Meta:
        icon = "table"
        label = _("Tableau")
        template = "ressources/blocks/table.html"
        description = _("Un tableau simple, avec une ligne d'en-têtes et un titre.")
        preview_value = {
            "caption": "Qui oriente vers qui",
            "columns": ["Demande", "Structure"],
            "rows": [{"cells": ["Réparer un ordinateur", "Repair café"]}],
        }

    def clean(self, value):
        value = super().clean(value)
        width = len(value["columns"])
        if width > MAX_TABLE_COLUMNS:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "columns": blocks.BlockValidationError(
                        _("Un tableau lisible sur téléphone a au plus 8 colonnes.")
                    )
                }
            )
        if any(len(row["cells"]) > width for row in value["rows"]):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "rows": blocks.BlockValidationError(
                        _("Une ligne a plus de cases que le tableau n'a de colonnes.")
                    )
                }
            )
        return value


class RessourceBodyBlock(BodyBlock):
    steps = StepsBlock()
    checklist = ChecklistBlock()
    document = DocumentBlock()
    links = LinksBlock()
    table = TableBlock()
    video = VideoBlock()
