"""Uploads through the Wagtail admin's real views, as an administrator would send them."""

import html
import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from wagtail.models import Collection

from website.models import RelaisDocument, RelaisImage

DOCUMENT_ADD = "/admin/documents/add/"
DOCUMENT_ADD_MULTIPLE = "/admin/documents/multiple/add/"
IMAGE_ADD = "/admin/images/add/"


@pytest.fixture
def admin_client(client, django_user_model, home):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x" * 20)
    client.force_login(admin)
    return client


def png_bytes(width=12, height=8, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "white").save(buffer, "PDF")
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes that announce a gigantic image: the pixel count is in the header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(document_xml: bytes = b"<w:document>Bonjour</w:document>") -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": document_xml,
        }
    )


def lying_zip() -> bytes:
    """An archive whose headers announce 1 000 bytes for an entry that unpacks to 10 MB."""
    data = bytearray(zip_bytes({"word/document.xml": b"0" * 10_000_000}))
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1_000)
    struct.pack_into("<I", data, central + 24, 1_000)
    return bytes(data)


def add_document(client, name: str, content):
    # Large samples are built only by the test that sends them.
    upload = SimpleUploadedFile(name, content() if callable(content) else content)
    return client.post(
        DOCUMENT_ADD,
        {"title": name, "file": upload, "collection": Collection.get_first_root_node().pk},
    )


def add_image(client, name: str, content):
    upload = SimpleUploadedFile(name, content() if callable(content) else content)
    return client.post(
        IMAGE_ADD,
        {"title": name, "file": upload, "collection": Collection.get_first_root_node().pk},
    )


def page_text(response) -> str:
    # Compared with plain apostrophes and spaces: translations vary in typography.
    text = html.unescape(response.content.decode())
    return text.replace("\u2019", "'").replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "programme.pdf",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "Ce fichier n'est pas un PDF valide.",
            id="html-renamed-pdf",
        ),
        pytest.param(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "L'extension de fichier « svg » n'est pas autorisée.",
            id="svg",
        ),
        pytest.param(
            "notes.txt",
            b"Compte rendu\n" + b"a" * 10_000 + b"\n<script>alert(1)</script>\n",
            "Les fichiers contenant du HTML ou du SVG ne sont pas acceptés.",
            id="text-with-script-far-down",
        ),
        pytest.param(
            "dessin.txt",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "Les fichiers contenant du HTML ou du SVG ne sont pas acceptés.",
            id="svg-renamed-txt",
        ),
        pytest.param(
            "tableau.csv",
            "nom;âge\n".encode("utf-16"),
            "Ce fichier texte contient des données binaires.",
            id="binary-csv",
        ),
        pytest.param(
            "page.docx",
            b"<html><body>pas un document</body></html>",
            "Ce fichier n'est pas un document DOCX valide.",
            id="html-renamed-docx",
        ),
        pytest.param(
            "bombe.docx",
            lambda: docx_bytes(b"0" * 50_000_000),
            "Ce fichier compressé est anormalement volumineux une fois décompressé.",
            id="zip-bomb-docx",
        ),
        pytest.param(
            "menteur.docx",
            lying_zip,
            "Ce fichier compressé est illisible ou endommagé.",
            id="archive-lying-about-its-size",
        ),
        pytest.param(
            "poupees.zip",
            zip_bytes({"a.zip": zip_bytes({"b.zip": zip_bytes({"c.txt": b"fin"})})}),
            "Ce fichier compressé contient trop d'archives imbriquées.",
            id="archives-nested-three-deep",
        ),
        pytest.param(
            "casse.odt",
            b"PK\x03\x04" + b"\x00" * 100,
            "Ce fichier compressé est illisible ou endommagé.",
            id="broken-archive",
        ),
    ],
)
def test_an_administrator_uploading_a_dangerous_document_is_refused_with_a_french_message(
    admin_client, name, content, message
):
    response = add_document(admin_client, name, content)

    assert response.status_code == 200  # the form again, with the error
    assert message in page_text(response)
    assert not RelaisDocument.objects.exists()


def test_the_multiple_upload_view_refuses_an_html_file_renamed_pdf_in_french(admin_client):
    upload = SimpleUploadedFile("programme.pdf", b"<html><script>alert(1)</script></html>")
    response = admin_client.post(
        DOCUMENT_ADD_MULTIPLE,
        {"files[]": upload, "collection": Collection.get_first_root_node().pk},
    )

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert "Ce fichier n'est pas un PDF valide." in page_text(response)
    assert not RelaisDocument.objects.exists()


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=10_000)
def test_a_document_over_the_size_limit_is_refused_in_french(admin_client):
    response = add_document(admin_client, "gros.pdf", pdf_bytes() + b"%" * 20_000)

    assert "Ce fichier est trop gros" in page_text(response)
    assert not RelaisDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programme.pdf", pdf_bytes()),
        ("compte-rendu.docx", docx_bytes()),
        ("notes.txt", "Réunion du réseau : 12 participants.\n".encode()),
        ("adresses.csv", b"nom;ville\nMaison des habitants;Lyon\n"),
        ("dossier.zip", zip_bytes({"compte-rendu.docx": docx_bytes(), "lisez-moi.txt": b"ok"})),
    ],
)
def test_an_administrator_uploading_a_real_document_sees_it_accepted(admin_client, name, content):
    response = add_document(admin_client, name, content)

    assert response.status_code == 302
    assert RelaisDocument.objects.get().filename == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Format d'image non supporté",
            id="svg",
        ),
        pytest.param(
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Image .png non valide",
            id="svg-renamed-png",
        ),
        pytest.param(
            "page.png",
            b"<html><script>alert(1)</script></html>",
            "Image .png non valide",
            id="html-renamed-png",
        ),
        pytest.param(
            "bombe.png",
            png_declaring(100_000, 100_000),
            "Ce fichier a un trop grand nombre de pixels",
            id="tiny-png-declaring-ten-billion-pixels",
        ),
        pytest.param(
            "affiche.png",
            lambda: png_bytes(8000, 8000, mode="L"),
            "Ce fichier a un trop grand nombre de pixels (64000000)",
            id="real-8000x8000-png",
        ),
    ],
)
def test_an_administrator_uploading_a_dangerous_image_is_refused_with_a_french_message(
    admin_client, name, content, message
):
    response = add_image(admin_client, name, content)

    assert response.status_code == 200
    assert message in page_text(response)
    assert not RelaisImage.objects.exists()


def test_an_administrator_uploading_a_real_png_sees_it_accepted(admin_client):
    response = add_image(admin_client, "photo.png", png_bytes())

    assert response.status_code == 302
    image = RelaisImage.objects.get()
    assert (image.width, image.height) == (12, 8)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "attachment"),
    [
        ("programme.pdf", pdf_bytes(), "application/pdf", False),
        ("notes.txt", b"Bonjour\n", "text/plain", False),
        ("tableau.csv", b"nom;ville\n", "text/csv", True),
        ("compte-rendu.docx", docx_bytes(), "officedocument", True),
        ("dossier.zip", zip_bytes({"a.txt": b"a"}), "application/zip", True),
    ],
)
def test_a_served_document_is_an_attachment_unless_pdf_or_plain_text_and_keeps_wagtails_sandbox(
    admin_client, client, name, content, content_type, attachment
):
    assert add_document(admin_client, name, content).status_code == 302
    document = RelaisDocument.objects.get()
    client.logout()

    response = client.get(document.url)

    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    disposition = response.get("Content-Disposition", "")
    assert disposition.startswith("attachment") is attachment
    # Wagtail's own policy for served files, not the site's page policy.
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert b"".join(response.streaming_content) == content
