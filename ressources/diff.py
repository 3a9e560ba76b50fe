"""Two versions of a resource compared word by word: title, summary, classification, then the
body block by block (steps, checklists, tables and callouts included).

Everything is read from the revisions' stored content, never from rendered pages: a version's
text is its fields and its blocks' raw values walked with the blocks' definitions. Chosen pages,
documents, images, themes and tags are stored as ids; `resolve_names` turns the ids of any
number of versions into names with one query per kind.
"""

import difflib
import html
import json
import re
from dataclasses import dataclass, field

from taggit.models import Tag

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.models import Page

from ressources.blocks import TableBlock
from ressources.models import Audience, Kind, Licence, RessourcePage, Theme

WORD = re.compile(r"(\S+)(\s*)")
# Where rich text starts a new line: the end of a paragraph, heading or list item, a <br>.
RICH_TEXT_BREAK = re.compile(r"</(?:p|h[1-6]|li|blockquote)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Ref:
    """A chosen object, stored by id, shown by name once resolved."""

    model: type
    pk: int
    label: str = ""


@dataclass
class Part:
    """One compared thing of a version: a field, or one block of the body."""

    key: str
    label: str
    lines: list  # of str and Ref

    def text(self, names: dict) -> str:
        return "\n".join(filter(None, (_line(line, names) for line in self.lines)))


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal", "insert" or "delete"
    text: str

    @property
    def is_insert(self) -> bool:
        return self.kind == "insert"

    @property
    def is_delete(self) -> bool:
        return self.kind == "delete"


@dataclass
class Change:
    """A part as it went from one version to the other."""

    label: str
    status: str  # "unchanged", "changed", "added", "removed", "moved"
    segments: list[Segment] = field(default_factory=list)
    added: int = 0
    removed: int = 0

    @property
    def status_label(self) -> str:
        return {
            "changed": _("modifié"),
            "added": _("ajouté"),
            "removed": _("supprimé"),
            "moved": _("déplacé"),
        }.get(self.status, "")


@dataclass
class Comparison:
    changes: list[Change]

    @property
    def added(self) -> int:
        return sum(change.added for change in self.changes)

    @property
    def removed(self) -> int:
        return sum(change.removed for change in self.changes)

    @property
    def shown(self) -> list[Change]:
        return [change for change in self.changes if change.status != "unchanged"]

    @property
    def unchanged_count(self) -> int:
        """Parts left as they were, not counting those empty in both (no method chosen)."""
        return sum(1 for c in self.changes if c.status == "unchanged" and c.segments)


# --- A version's text -----------------------------------------------------------------------


def version_parts(content: dict) -> list[Part]:
    """The fields, then the blocks of a revision's content, in reading order."""
    labels = {
        "kind": dict(Kind.choices),
        "licence": dict(Licence.choices),
        "audiences": dict(Audience.choices),
    }
    audiences = [
        labels["audiences"].get(code, code)
        for code in (content.get("audiences") or "").split(",")
        if code
    ]
    parts = [
        Part("title", _("Titre"), [content.get("title") or ""]),
        Part("summary", _("Résumé"), [content.get("summary") or ""]),
        Part("kind", _("Type"), [labels["kind"].get(content.get("kind"), "")]),
        Part("audiences", _("Pour qui"), [", ".join(str(label) for label in audiences)]),
        Part(
            "themes",
            _("Thèmes"),
            [Ref(Theme, pk) for pk in content.get("themes") or [] if isinstance(pk, int)],
        ),
        Part(
            "tags",
            _("Mots-clés"),
            [
                Ref(Tag, item["tag"])
                for item in content.get("tagged_items") or []
                if isinstance(item, dict) and isinstance(item.get("tag"), int)
            ],
        ),
    ]
    stream_block = RessourcePage._meta.get_field("body").stream_block
    body = content.get("body") or []
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            body = []
    for position, item in enumerate(body if isinstance(body, list) else []):
        if not isinstance(item, dict) or item.get("type") not in stream_block.child_blocks:
            continue
        block = stream_block.child_blocks[item["type"]]
        parts.append(
            Part(
                key=f"block:{item['id']}" if item.get("id") else f"position:{position}",
                label=block.label,
                lines=[line for line in _lines(block, item.get("value")) if line],
            )
        )
    parts += [
        Part(name, label, [Ref(Page, pk) for pk in _page_ids(content.get(name))])
        for name, label in (
            ("related_methods", _("Méthodes liées")),
            ("related_bilans", _("Journées bilan liées")),
            ("related_structures", _("Structures concernées")),
            ("used_by", _("Utilisée par")),
        )
    ]
    parts.append(Part("licence", _("Licence"), [labels["licence"].get(content.get("licence"), "")]))
    return parts


def _page_ids(stored) -> list[int]:
    """The chosen pages' ids, stored as plain ids (many-to-many) or as links to a `target`."""
    if not isinstance(stored, list):
        return []
    ids = [item.get("target") if isinstance(item, dict) else item for item in stored]
    return [pk for pk in ids if isinstance(pk, int)]


def _lines(block, raw) -> list:
    """The text of one block's raw value, one line per leaf."""
    if raw is None:
        return []
    if isinstance(block, TableBlock) and isinstance(raw, dict):
        rows = [_items(raw.get("columns"))] + [
            _items(row.get("cells")) for row in _items(raw.get("rows")) if isinstance(row, dict)
        ]
        return [raw.get("caption") or ""] + [" | ".join(map(str, row)) for row in rows]
    if isinstance(block, blocks.StructBlock):
        if not isinstance(raw, dict):  # an ImageBlock stored as a bare image id
            raw = {"image": raw} if "image" in block.child_blocks else {}
        lines = []
        for name, child in block.child_blocks.items():
            lines += _lines(child, raw.get(name))
        return lines
    if isinstance(block, blocks.ListBlock):
        lines = []
        for item in _items(raw):
            lines += _lines(block.child_block, item)
        return lines
    if isinstance(block, blocks.StreamBlock):
        lines = []
        for item in raw if isinstance(raw, list) else []:
            if isinstance(item, dict) and item.get("type") in block.child_blocks:
                lines += _lines(block.child_blocks[item["type"]], item.get("value"))
        return lines
    if isinstance(block, blocks.RichTextBlock):
        return _rich_text_lines(str(raw))
    if isinstance(block, blocks.ChooserBlock):
        return [Ref(block.model_class, raw, capfirst(block.label))] if isinstance(raw, int) else []
    if isinstance(block, blocks.BooleanBlock | blocks.ChoiceBlock):
        return []  # flags and presentation choices (a heading's level) carry no text
    return [str(raw)]


def _items(raw) -> list:
    """A ListBlock's raw items, in the current format ({"type": "item", "value": …}) or bare."""
    if not isinstance(raw, list):
        return []
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in raw
    ]


def _rich_text_lines(source: str) -> list[str]:
    text = html.unescape(TAG.sub("", RICH_TEXT_BREAK.sub("\n", source)))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def resolve_names(parts_lists) -> dict:
    """{(model, pk): name} for every chosen object in these versions' parts: a query per kind."""
    wanted: dict[type, set[int]] = {}
    for parts in parts_lists:
        for part in parts:
            for line in part.lines:
                if isinstance(line, Ref):
                    wanted.setdefault(line.model, set()).add(line.pk)
    names = {}
    for model, pks in wanted.items():
        manager = model._default_manager
        for obj in manager.filter(pk__in=pks):
            names[model, obj.pk] = getattr(obj, "title", None) or str(obj)
    return names


def _line(line, names: dict) -> str:
    if not isinstance(line, Ref):
        return str(line)
    name = names.get((line.model, line.pk)) or _("(supprimé)")
    return f"{line.label} : {name}" if line.label else str(name)


# --- Comparing ------------------------------------------------------------------------------


def diff_words(old: str, new: str) -> tuple[list[Segment], int, int]:
    """Segments of unchanged, removed and added text, and the numbers of words added and
    removed. Words are compared without the spaces around them; the spaces kept are the new
    version's (or the old one's, around removed words)."""
    old_words = WORD.findall(old)
    new_words = WORD.findall(new)
    matcher = difflib.SequenceMatcher(
        None, [word for word, _space in old_words], [word for word, _space in new_words], False
    )
    segments: list[Segment] = []
    added = removed = 0

    def run(kind: str, words) -> None:
        if not words:
            return
        text = "".join(word + space for word, space in words)
        body = text.rstrip()
        segments.append(Segment(kind, body))
        if text[len(body) :]:
            segments.append(Segment("equal", text[len(body) :]))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            run("equal", new_words[j1:j2])
            continue
        run("delete", old_words[i1:i2])
        if i1 < i2 and j1 < j2:
            segments.append(Segment("equal", " "))  # a replaced run reads "old new", not "oldnew"
        run("insert", new_words[j1:j2])
        removed += i2 - i1
        added += j2 - j1
    return _merged(segments), added, removed


def _merged(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].kind == segment.kind == "equal":
            merged[-1] = Segment("equal", merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def compare(old_parts: list[Part], new_parts: list[Part], names: dict) -> Comparison:
    """Every part of both versions, in the new version's order, with what changed in it.

    Blocks are paired by their id (Wagtail keeps it across edits), so a block moved elsewhere is
    compared with itself; a block whose id is gone was removed, one with a new id was added.
    """
    old_keys = [part.key for part in old_parts]
    new_keys = [part.key for part in new_parts]
    old_by_key = {part.key: part for part in old_parts}
    new_key_set = set(new_keys)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        olds = [part for part in old_parts[i1:i2] if part.key not in new_key_set]
        news = new_parts[j1:j2]
        if tag == "equal":
            changes += [
                _change(old, new, names) for old, new in zip(old_parts[i1:i2], news, strict=True)
            ]
            continue
        for new in news:
            if new.key in old_by_key:
                changes.append(_change(old_by_key[new.key], new, names, moved=True))
            elif olds and _positional(olds[0], new):
                changes.append(_change(olds.pop(0), new, names))
            else:
                changes += [_change(old, None, names) for old in olds]  # read before the new
                olds = []
                changes.append(_change(None, new, names))
        changes += [_change(old, None, names) for old in olds]
    return Comparison(changes)


def _positional(old: Part, new: Part) -> bool:
    """Blocks stored without an id (older content) are paired by position and kind."""
    return (
        old.key.startswith("position:")
        and new.key.startswith("position:")
        and old.label == new.label
    )


def _change(old: Part | None, new: Part | None, names: dict, *, moved: bool = False) -> Change:
    label = (new or old).label
    old_text = old.text(names) if old else ""
    new_text = new.text(names) if new else ""
    segments, added, removed = diff_words(old_text, new_text)
    if old is None:
        status = "added"
    elif new is None:
        status = "removed"
    elif old_text == new_text:
        status = "moved" if moved else "unchanged"
    else:
        status = "changed"
    return Change(label, status, segments, added, removed)
