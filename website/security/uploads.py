"""Upload checks by content: a file must be what its extension says, and not a bomb.

Wagtail already limits documents and images by extension and size, and images by pixel
count (settings: the upload section of base.py). What it does not look at is the bytes of a
document: an HTML page renamed .pdf, a text file that is really markup, a .docx that
unpacks to gigabytes. RelaisDocument.clean calls check_document on every new file.
"""

import tempfile
import zipfile
from pathlib import PurePath

from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
ZIP_BASED = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "zip"}
TEXT_BASED = {"csv", "txt"}
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_DEPTH = 2  # an archive inside an archive is fine, one more level is not
CHUNK = 64 * 1024
# Markup that a browser would run if the file were ever served as HTML.
ACTIVE_MARKERS = (
    b"<html",
    b"<script",
    b"<!doctype",
    b"<svg",
    b"<?xml",
    b"<iframe",
    b"<body",
    b"<object",
    b"<embed",
)
LONGEST_MARKER = max(len(marker) for marker in ACTIVE_MARKERS)


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
        try:
            _check_zip(file, depth=1, budget=[MAX_ZIP_UNCOMPRESSED])
        finally:
            file.seek(0)
    if extension in TEXT_BASED:
        try:
            _check_text(file)
        finally:
            file.seek(0)


def _too_big():
    return UploadRefused(
        _("Ce fichier compressé est anormalement volumineux une fois décompressé.")
    )


def _unreadable():
    return UploadRefused(_("Ce fichier compressé est illisible ou endommagé."))


def _check_zip(file, *, depth: int, budget: list[int]) -> None:
    """Read the whole archive once, counting the bytes it really unpacks to.

    The sizes an archive declares can lie: the entries are decompressed (and their checksums
    verified) with a budget, so a bomb is stopped after MAX_ZIP_UNCOMPRESSED bytes at most.
    Archives inside the archive are opened the same way, sharing the budget.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UploadRefused(_("Ce fichier compressé contient trop d'éléments."))
            declared = sum(entry.file_size for entry in entries)
            compressed = sum(entry.compress_size for entry in entries) or 1
            if declared > budget[0] or declared / compressed > MAX_ZIP_RATIO:
                raise _too_big()
            for entry in entries:
                if entry.is_dir():
                    continue
                if entry.flag_bits & 0x1:
                    raise UploadRefused(
                        _(
                            "Les fichiers compressés protégés par un mot de passe ne sont pas acceptés."
                        )
                    )
                _check_entry(archive, entry, depth=depth, budget=budget)
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _unreadable() from None
    except (NotImplementedError, RuntimeError):
        # An unknown compression method, or encryption the flag did not announce.
        raise _unreadable() from None


def _check_entry(archive, entry, *, depth: int, budget: list[int]) -> None:
    with archive.open(entry) as stream, tempfile.SpooledTemporaryFile(8 * 1024 * 1024) as copy:
        first = stream.read(CHUNK)
        # An archive inside the archive is kept aside (on disk past 8 MB) to be opened next.
        nested = first.startswith(ZIP_MAGIC)
        chunk = first
        while chunk:
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _too_big()
            if nested:
                copy.write(chunk)
            chunk = stream.read(CHUNK)
        # Reaching the end verified the entry's checksum (zipfile raises BadZipFile otherwise).
        if nested:
            if depth >= MAX_ZIP_DEPTH:
                raise UploadRefused(_("Ce fichier compressé contient trop d'archives imbriquées."))
            copy.seek(0)
            _check_zip(copy, depth=depth + 1, budget=budget)


def _check_text(file) -> None:
    tail = b""
    while chunk := file.read(CHUNK):
        if b"\x00" in chunk:
            raise UploadRefused(_("Ce fichier texte contient des données binaires."))
        window = (tail + chunk).lower()
        if any(marker in window for marker in ACTIVE_MARKERS):
            raise UploadRefused(_("Les fichiers contenant du HTML ou du SVG ne sont pas acceptés."))
        tail = window[-LONGEST_MARKER:]
