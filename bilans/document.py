"""A review day as an OpenDocument text (.odt), the file facilitators send to partners.

ODT because it is the office format the French public sector's interoperability rules (RGI)
recommend, opens in LibreOffice and in Word, and stays editable: a review day's report is
usually completed and forwarded. The document is the print version's text, read back from
its HTML: one template decides what a review day shows, on screen, on paper and in the file.
"""

import io
import re
import zipfile
from html.parser import HTMLParser
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.text"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
PARAGRAPHS = {"p", "dt", "dd", "blockquote", "div", "section", "aside", "details", "figure"}
VOID = {"br", "img", "input", "hr", "meta", "link", "source", "wbr"}
SKIPPED_TAGS = {"script", "style", "form", "button", "select", "summary", "nav", "template"}
SKIPPED_CLASSES = {"no-print", "visually-hidden", "item-action__add"}
# Characters XML 1.0 does not allow, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Reader(HTMLParser):
    """The text of the page's <article>: (kind, level, text) with kind "heading" (level 1-6),
    "paragraph" or "item" (level: list depth)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, int, str]] = []
        self._buffer: list[str] = []
        self._kind: tuple[str, int] | None = None
        self._article = 0
        self._skip = 0
        self._lists = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if tag == "br" and self._collecting():
                self._buffer.append("\n")
            return
        if tag == "article":
            self._article += 1
        if not self._article:
            return
        if self._skip:
            self._skip += 1
            return
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES or "hidden" in attributes:
            self._skip = 1
            return
        if tag in ("ul", "ol"):
            self._flush()
            self._lists += 1
        elif tag in HEADINGS:
            self._flush()
            self._kind = ("heading", int(tag[1]))
        elif tag == "li":
            self._flush()
            self._kind = ("item", self._lists)
        elif tag in PARAGRAPHS:
            self._flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID or not self._article:
            return
        if self._skip:
            self._skip -= 1
            return
        if tag in ("ul", "ol"):
            self._flush()
            self._lists = max(0, self._lists - 1)
        elif tag in HEADINGS or tag == "li" or tag in PARAGRAPHS:
            self._flush()
        if tag == "article":
            self._flush()
            self._article -= 1

    def handle_data(self, data):
        if self._collecting():
            self._buffer.append(data)

    def _collecting(self) -> bool:
        return bool(self._article) and not self._skip

    def _flush(self):
        lines = [" ".join(line.split()) for line in "".join(self._buffer).split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            kind, level = self._kind or (("item", self._lists) if self._lists else ("paragraph", 0))
            self.elements.append((kind, level, text))
        self._buffer = []
        self._kind = None


def elements_of(html: str) -> list[tuple[str, int, str]]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.elements


def _text(text: str) -> str:
    return "<text:line-break/>".join(escape(NOT_XML.sub("", line)) for line in text.split("\n"))


def _body(elements) -> str:
    out: list[str] = []
    lists: list[bool] = []  # one per open <text:list>: whether a list item is open in it

    def close_to(depth: int) -> None:
        while len(lists) > depth:
            if lists.pop():
                out.append("</text:list-item>")
            out.append("</text:list>")

    for kind, level, text in elements:
        if kind != "item":
            close_to(0)
            if kind == "heading":
                out.append(
                    f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                    f"{_text(text)}</text:h>"
                )
            else:
                out.append(f'<text:p text:style-name="Text_20_body">{_text(text)}</text:p>')
            continue
        level = max(level, 1)
        close_to(level)
        while len(lists) < level:
            if lists and not lists[-1]:
                out.append("<text:list-item>")
                lists[-1] = True
            out.append('<text:list text:style-name="Liste">')
            lists.append(False)
        if lists[-1]:
            out.append("</text:list-item>")
        out.append(f'<text:list-item><text:p text:style-name="Text_20_body">{_text(text)}</text:p>')
        lists[-1] = True
    close_to(0)
    return "".join(out)


NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'office:version="1.3"'
)
HEADING_SIZES = {1: "20pt", 2: "16pt", 3: "13pt", 4: "12pt", 5: "11pt", 6: "11pt"}


def _styles() -> str:
    headings = "".join(
        f'<style:style style:name="Heading_20_{level}" style:display-name="Heading {level}" '
        f'style:family="paragraph" style:parent-style-name="Heading" '
        f'style:default-outline-level="{level}" style:class="text">'
        f'<style:text-properties fo:font-size="{size}" fo:font-weight="bold"/></style:style>'
        for level, size in HEADING_SIZES.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NAMESPACES}>'
        "<office:styles>"
        '<style:style style:name="Standard" style:family="paragraph" style:class="text">'
        '<style:text-properties fo:font-size="11pt"/></style:style>'
        '<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" '
        'style:class="text"><style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm" '
        'fo:keep-with-next="always"/></style:style>'
        '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="text">'
        '<style:paragraph-properties fo:margin-bottom="0.15cm"/></style:style>'
        f"{headings}"
        '<text:list-style style:name="Liste">'
        + "".join(
            f'<text:list-level-style-bullet text:level="{level}" text:bullet-char="•">'
            '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">'
            f'<style:list-level-label-alignment text:label-followed-by="listtab" '
            f'fo:text-indent="-0.4cm" fo:margin-left="{0.6 * level:.1f}cm"/>'
            "</style:list-level-properties></text:list-level-style-bullet>"
            for level in range(1, 7)
        )
        + "</text:list-style></office:styles></office:document-styles>"
    )


def odt(elements) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}>'
        f"<office:body><office:text>{_body(elements)}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}" '
        'manifest:version="1.3"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The type comes first and uncompressed, so that tools recognise the file by its bytes.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", _styles(), compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt_for(bilan, *, request) -> bytes:
    """The review day's print version, as an ODT file."""
    response = bilan.render(request, context_overrides={"printing": True})
    response.render()
    return odt(elements_of(response.content.decode()))
