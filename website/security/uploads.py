"""Upload checks by content: a file must be what its extension says, and not a bomb."""

import zipfile
from pathlib import PurePath

from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
ZIP_BASED = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "zip"}
TEXT_BASED = {"csv", "txt"}
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
# Markup that a browser would run if the file were ever served as HTML.
ACTIVE_MARKERS = (b"<html", b"<script", b"<!doctype", b"<svg", b"<?xml", b"<iframe", b"<body")


class UploadRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_document(file, name: str) -> None:
    """Raise UploadRefused with a French message if the file is not acceptable."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    if extension == "pdf" and not head.startswith(b"%PDF-"):
        raise UploadRefused(_("Ce fichier n'est pas un PDF valide."))
    if extension in ZIP_BASED:
        if not head.startswith(ZIP_MAGIC):
            raise UploadRefused(
                _("Ce fichier n'est pas un document %(ext)s valide.") % {"ext": extension.upper()}
            )
        _check_zip(file)
    if extension in TEXT_BASED:
        _check_text(head)


def _check_zip(file) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(_("Ce fichier compressé est illisible ou endommagé.")) from None
    finally:
        file.seek(0)
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRefused(_("Ce fichier compressé contient trop d'éléments."))
    uncompressed = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if uncompressed > MAX_ZIP_UNCOMPRESSED or uncompressed / compressed > MAX_ZIP_RATIO:
        raise UploadRefused(
            _("Ce fichier compressé est anormalement volumineux une fois décompressé.")
        )


def _check_text(head: bytes) -> None:
    if b"\x00" in head:
        raise UploadRefused(_("Ce fichier texte contient des données binaires."))
    lowered = head.lower()
    if any(marker in lowered for marker in ACTIVE_MARKERS):
        raise UploadRefused(_("Les fichiers contenant du HTML ou du SVG ne sont pas acceptés."))
