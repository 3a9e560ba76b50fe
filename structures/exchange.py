"""The national standard for places of digital mediation, written and read: records ↔ LieuPage.

Writing (v1): ``export_records(queryset)`` yields one dict per place, keyed by the standard's 32
columns in the schema's order; ``write_csv`` / ``write_json`` (or ``csv_chunks`` /
``json_chunks`` for a streaming response) turn them into files. The directory page serves its
downloads with::

    records = export_records(its_queryset_of_live_public_lieux)  # or export_records()
    StreamingHttpResponse(csv_chunks(records), content_type=CSV_CONTENT_TYPE)
    # Content-Disposition: attachment; filename="<export_filename('csv')>"

Written values: the standard's exact vocabulary strings joined with ``|``, ISO dates, phone
numbers in the international form the schema's pattern wants (``+33180059880``). In JSON,
latitude and longitude are numbers and **empty values are omitted** (a missing key means "no
value", as in the v0 files the national cartography publishes). In CSV every cell goes through
``website.csv_safety.neutralise``: text that a spreadsheet would run as a formula gets a leading
apostrophe, while plain numbers (a longitude ``-0.008588``, a phone ``+33180059880``) are kept
as they are, since they cannot carry a formula and the standard needs them intact.

Reading (v1 and the older v0 shape): ``read_path`` / ``read_bytes`` parse a CSV (comma, or ``;``
or tab when the header says so; UTF-8 with or without BOM) or a JSON list of objects into
``SourceFile``, or raise ``FileRefused`` with one French message; ``import_records`` then writes
the records as LieuPages, each in its own transaction, and returns an ``ImportReport``. v0
files are understood: ``;`` between values, old service labels (``standard.V0_SERVICES``),
``labels_nationaux``, ``labels_autres``, ``accessibilite``, ``courriel``.

Identifiers: the standard's ``id`` is unique *per source* ("identifiant unique local"), and v0
files number their places 1, 2, 3… So a place is stored with ``identifiant = "<source>:<id>"``
(unless the id already starts with ``"<source>:"``), where source is the record's ``source``,
else the importer's default (the file's name). Re-importing the same file finds the same
identifiants and updates, never duplicates. The same records under another file name (dated
exports) would get another default source: a record without ``source`` whose id, name and
postcode match a place imported under another source updates that place (which keeps its
identifiant), and its report line names that source for ``--source``. A place created on this site has the identifiant
``relais-lieu-<pk>`` and no source; it is exported with ``source`` = the site's name
(``WAGTAIL_SITE_NAME``) and ``id`` = ``"<site name>:relais-lieu-<pk>"``, so that an export read
into another database and exported again gives the same records. Reading this site's own
export back into it skips its own places rather than duplicating them.

Suspicious data is flagged, never silently stored: see ``_Reader`` for what is kept, dropped
or refused, and why.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import math
import re
import shlex
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.models import Page

from structures import standard
from structures.geo import distance_km
from structures.models import LieuPage, StructureIndexPage, StructurePage, Term, Vocabulary
from structures.opening_hours import validate_opening_hours
from structures.selectors import with_structure
from structures.validators import normalise_phone, phone_link, validate_siret_or_rna
from website.csv_safety import looks_like_formula, neutralise_row, restore
from website.imports import Action, ImportReport, Outcome
from website.progress import Progress
from website.queries import without_restricted

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "json": JSON_CONTENT_TYPE}
MAX_FILE_SIZE = 50 * 1024 * 1024
CHUNK_SIZE = 500

FALLBACK_STRUCTURE_TITLE = "Lieux importés"
FALLBACK_STRUCTURE_SLUG = "lieux-importes"

# Columns whose values are terms of one vocabulary (the Vocabulary values are the column names).
VOCABULARY_COLUMNS = {
    "typologie": Vocabulary.TYPOLOGIE,
    "itinerance": Vocabulary.ITINERANCE,
    "services": Vocabulary.SERVICES,
    "publics_specifiquement_adresses": Vocabulary.PUBLICS,
    "prise_en_charge_specifique": Vocabulary.PRISE_EN_CHARGE,
    "frais_a_charge": Vocabulary.FRAIS,
    "dispositif_programmes_nationaux": Vocabulary.DISPOSITIFS,
    "formations_labels": Vocabulary.FORMATIONS,
    "modalites_acces": Vocabulary.MODALITES_ACCES,
    "modalites_accompagnement": Vocabulary.MODALITES_ACCOMPAGNEMENT,
}


def local_source() -> str:
    """The name this site writes in ``source`` for the places created here."""
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "Relais"


def export_filename(fmt: str, day: date | None = None) -> str:
    """``lieux-mediation-numerique-2026-05-04.csv``: the download's file name."""
    day = day or timezone.localdate()
    return f"lieux-mediation-numerique-{day.isoformat()}.{fmt}"


# --- Writing -----------------------------------------------------------------------------------


def published_lieux() -> QuerySet:
    """Every place a visitor can see (live and public), in tree order."""
    return without_restricted(LieuPage.objects.live()).order_by("path")


def export_records(queryset: QuerySet | None = None) -> Iterator[dict[str, Any]]:
    """The standard's records for the places of ``queryset`` (default: every published place).

    Values are strings ("" when empty), except latitude and longitude: float or None.
    """
    queryset = published_lieux() if queryset is None else queryset
    local = local_source()
    for lieu in with_structure(queryset).prefetch_related("terms").iterator(chunk_size=CHUNK_SIZE):
        yield lieu_record(lieu, local=local)


def _structure_of(lieu: LieuPage) -> tuple[str, str, str]:
    if hasattr(lieu, "structure_title"):
        return lieu.structure_title or "", lieu.structure_siret or "", lieu.structure_slug or ""
    parent = lieu.get_parent()
    structure = parent.specific if parent else None
    if isinstance(structure, StructurePage):
        return structure.title, structure.siret_ou_rna, structure.slug
    return "", "", ""


def lieu_record(lieu: LieuPage, *, local: str | None = None) -> dict[str, Any]:
    """One place as a record of the standard, its 32 columns in the schema's order."""
    local = local or local_source()
    codes: dict[str, list[str]] = defaultdict(list)
    for term in sorted(lieu.terms.all(), key=lambda term: (term.vocabulary, term.sort_order)):
        codes[term.vocabulary].append(term.code)
    structure_title, structure_siret, structure_slug = _structure_of(lieu)
    if structure_slug == FALLBACK_STRUCTURE_SLUG:
        structure_title = ""  # the importer's holding place is no one's parent structure
    values = {
        "id": lieu.identifiant if lieu.source else f"{local}:{lieu.identifiant}",
        "pivot": lieu.pivot or structure_siret or standard.UNKNOWN_PIVOT,
        "nom": lieu.title,
        "commune": lieu.commune,
        "code_postal": lieu.code_postal,
        "code_insee": lieu.code_insee,
        "adresse": lieu.adresse,
        "complement_adresse": lieu.complement_adresse,
        "latitude": lieu.latitude,
        "longitude": lieu.longitude,
        "telephone": phone_link(lieu.telephone) if lieu.telephone else "",
        "courriels": standard.SEPARATOR.join(lieu.all_courriels),
        "site_web": standard.SEPARATOR.join(lieu.all_sites_web),
        "horaires": lieu.horaires,
        "presentation_resume": lieu.presentation_resume,
        "presentation_detail": lieu.presentation_detail,
        "source": lieu.source or local,
        "structure_parente": lieu.structure_parente or structure_title,
        "date_maj": lieu.date_maj.isoformat() if lieu.date_maj else "",
        "autres_formations_labels": lieu.autres_formations_labels,
        "fiche_acces_libre": lieu.fiche_acces_libre,
        "prise_rdv": lieu.prise_rdv,
    }
    for column, vocabulary in VOCABULARY_COLUMNS.items():
        values[column] = standard.SEPARATOR.join(codes[vocabulary.value])
    return {column: values[column] for column in standard.COLUMNS}


def _format_number(value: float) -> str:
    text = repr(value)  # the shortest text that reads back as the same float
    if "e" in text or "E" in text:
        text = format(value, "f")
    return text


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _format_number(value)
    return str(value)


def csv_chunks(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV file, a line at a time: header, then one quoted line per record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(standard.COLUMNS)
    yield flush()
    for record in records:
        # Every cell is neutralised; plain numbers (coordinates, +33… phones) pass unchanged.
        writer.writerow(
            neutralise_row(_csv_cell(record.get(column)) for column in standard.COLUMNS)
        )
        yield flush()


def write_csv(records: Iterable[dict[str, Any]], stream) -> int:
    """Writes the CSV to a text stream (open it with ``newline=""``); returns the record count."""
    count = -1
    for count, chunk in enumerate(csv_chunks(records)):  # noqa: B007
        stream.write(chunk)
    return max(count, 0)


def json_object(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a JSON object: the same keys, empty values left out."""
    return {key: value for key, value in record.items() if value not in ("", None)}


def json_chunks(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The JSON file, an object per line: a list of objects with the CSV's keys."""
    yield "["
    separator = "\n"
    for record in records:
        yield separator + json.dumps(json_object(record), ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def write_json(records: Iterable[dict[str, Any]], stream) -> int:
    count = 0

    def counted():
        nonlocal count
        for record in records:
            count += 1
            yield record

    for chunk in json_chunks(counted()):
        stream.write(chunk)
    return count


# --- Reading a file ----------------------------------------------------------------------------


class FileRefused(Exception):
    """The whole file is refused, with one French message; nothing is written."""


# Columns of the v0 shape and their v1 names (labels_nationaux is split up, see _Reader).
V0_COLUMNS = {
    "courriel": "courriels",
    "accessibilite": "fiche_acces_libre",
    "labels_autres": "autres_formations_labels",
    "conditions_acces": "frais_a_charge",
    "publics_accueillis": "publics_specifiquement_adresses",
}
V0_LABELS_NATIONAUX = {
    "CNFS": "Conseillers numériques",
    "Conseillers numériques France Services": "Conseillers numériques",
    "Conseiller numérique": "Conseillers numériques",
    "Emmaus Connect": "Emmaüs Connect",
    "Grandes écoles du numérique": "Grande école du numérique",
    "PIX": "Certification PIX",
    "Point relais CAF": "Point d'accès numérique CAF",
    "SUD LABS": "SUD LABS (PACA)",
}
# Old values of the other vocabularies; None: understood, with no v1 equivalent (dropped).
V0_VALUES: dict[Vocabulary, dict[str, str | None]] = {
    Vocabulary.SERVICES: dict(standard.V0_SERVICES),
    Vocabulary.PUBLICS: {
        "Familles/enfants": "Familles et/ou enfants",
        "Jeunes (16-26 ans)": "Jeunes",
        "Seniors (+ 65 ans)": "Seniors",
        "Tout public": None,
    },
    Vocabulary.FRAIS: {"Accepte le Pass numérique": None, "Adhésion": "Payant"},
    Vocabulary.MODALITES_ACCOMPAGNEMENT: {
        "Seul": "En autonomie",
        "Avec de l'aide": "Accompagnement individuel",
        "Dans un atelier": "Dans un atelier collectif",
        "À ma place": "Accompagnement individuel",
    },
}
KNOWN_COLUMNS = {*standard.COLUMNS, *V0_COLUMNS, "labels_nationaux"}


@dataclass
class SourceFile:
    """A file's records, checked as a whole before anything is written, read again one by one.

    ``records`` parses the file anew each time it is iterated: an import holds one record at a
    time, never the whole file (a 10,000-place file costs what a 100-place one does).
    """

    name: str
    format: str  # "csv" or "json"
    columns: set[str]  # the standard's columns present in the file (v0 names translated)
    records: Iterable[tuple[str, dict[str, Any]]]  # (where, raw record with v1 keys)
    shape: str = "v1"  # "v0" when old columns were met
    count: int = 0  # records in the file (blank CSV lines aside)


Opener = Callable[[], BinaryIO]
READ_SIZE = 64 * 1024


def read_path(path: str | Path) -> SourceFile:
    path = Path(path)
    try:
        size = path.stat().st_size
        path.open("rb").close()
    except OSError as error:
        raise FileRefused(
            _("Impossible de lire le fichier « %(name)s » : %(error)s.")
            % {"name": str(path), "error": error.strerror or error}
        ) from None
    if size > MAX_FILE_SIZE:
        raise FileRefused(_too_big(size))
    return _read(lambda: path.open("rb"), path.name)


def _too_big(size: int) -> str:
    return _(
        "Le fichier pèse %(size)s Mo, au-delà de la limite de %(limit)s Mo : découpez-le en "
        "plusieurs fichiers."
    ) % {"size": round(size / 1024 / 1024), "limit": MAX_FILE_SIZE // 1024 // 1024}


def read_bytes(data: bytes, *, name: str = "") -> SourceFile:
    """Parses a CSV or JSON file of the standard; FileRefused says in French what is wrong."""
    if len(data) > MAX_FILE_SIZE:
        raise FileRefused(_too_big(len(data)))
    return _read(lambda: io.BytesIO(data), name)


def _read(opener: Opener, name: str) -> SourceFile:
    with opener() as stream:
        head = stream.read(65536)
    if b"\x00" in head:
        raise FileRefused(_not_csv_or_json())
    _check_utf8(opener)
    first = _first_character(opener)
    if not first:
        raise FileRefused(_("Le fichier est vide."))
    head_text = head.decode("utf-8-sig", errors="ignore")
    source = _read_json(opener, name) if first in "[{" else _read_csv(opener, name, head_text)
    missing = [column for column in standard.REQUIRED_COLUMNS if column not in source.columns]
    if missing:
        raise FileRefused(
            _(
                "Colonnes obligatoires absentes : %(columns)s. Le fichier doit suivre le schéma "
                "des lieux de médiation numérique (colonnes %(required)s)."
            )
            % {"columns": ", ".join(missing), "required": ", ".join(standard.REQUIRED_COLUMNS)}
        )
    return source


def _check_utf8(opener: Opener) -> None:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset = 0
    with opener() as stream:
        while True:
            chunk = stream.read(READ_SIZE)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise FileRefused(
                    _(
                        "Le fichier n’est pas encodé en UTF-8 (octet illisible à la position "
                        "%(position)s). Enregistrez-le en « CSV UTF-8 » ou en JSON UTF-8, puis "
                        "recommencez."
                    )
                    % {"position": max(0, offset - len(error.object) + len(chunk) + error.start)}
                ) from None
            if not chunk:
                return
            offset += len(chunk)


def _first_character(opener: Opener) -> str:
    """The file's first character that is not blank (after a BOM), "" for a blank file."""
    with io.TextIOWrapper(opener(), encoding="utf-8-sig") as text:
        while chunk := text.read(65536):
            stripped = chunk.lstrip()
            if stripped:
                return stripped[0]
    return ""


def _not_csv_or_json() -> str:
    return _(
        "Ce fichier n’est ni un CSV ni un JSON : exportez les lieux au format CSV (UTF-8) ou "
        "JSON, puis recommencez."
    )


def _column_name(name: Any) -> str:
    return str(name).strip().lower()


def _v1_keys(raw: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    record: dict[str, Any] = {}
    old = False
    for key, value in raw.items():
        column = _column_name(key)
        if column in V0_COLUMNS:
            old = True
            column = V0_COLUMNS[column]
            if column in record and record[column] not in (None, ""):
                continue  # a v1 column of the same meaning wins
        elif column == "labels_nationaux":
            old = True
        record[column] = value
    return record, old


class _Records:
    """The records of a file, parsed anew at each iteration."""

    def __init__(self, parse: Callable[[], Iterator[tuple[str, dict[str, Any]]]]):
        self.parse = parse

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        return self.parse()


# Records of the standard hold lists at most: deeper nesting is a hostile or broken file.
MAX_JSON_DEPTH = 16


class _TooDeep(ValueError):
    pass


def _json_values(stream: BinaryIO) -> Iterator[Any]:
    """Each value of the top-level list, built as the file is parsed: never the whole file.

    Built here from ijson's plain events rather than by ijson.items, whose path strings grow
    with the depth: a file of 100,000 "[" would need gigabytes before failing.
    """
    events = ijson.basic_parse(stream, use_float=True)
    first, _value = next(events, (None, None))
    if first != "start_array":
        raise FileRefused(_not_a_list_of_objects())
    stack: list[list] = []  # [container, pending key] for each container being built
    for event, value in events:
        if event in ("start_map", "start_array"):
            if len(stack) >= MAX_JSON_DEPTH:
                raise _TooDeep
            stack.append([{} if event == "start_map" else [], None])
            continue
        if event == "map_key":
            stack[-1][1] = value
            continue
        if event in ("end_map", "end_array"):
            if not stack:
                break  # the end of the top-level list
            value = stack.pop()[0]
        if not stack:
            yield value
        elif isinstance(stack[-1][0], dict):
            stack[-1][0][stack[-1][1]] = value
        else:
            stack[-1][0].append(value)
    for _event in events:
        pass  # the parser refuses anything after the list


def _json_items(opener: Opener) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each object of the top-level list, with where it is in the file."""
    with opener() as stream:
        for position, item in enumerate(_json_values(stream), start=1):
            if not isinstance(item, dict):
                raise FileRefused(_not_a_list_of_objects())
            record, _old = _v1_keys(item)
            yield _("enregistrement %(position)s") % {"position": position}, record


def _not_a_list_of_objects() -> str:
    return _(
        "Ce JSON n’est pas une liste d’objets : le fichier doit contenir une liste "
        "[ … ] avec un objet { … } par lieu."
    )


def _json_refusal(opener: Opener) -> str:
    """Why a JSON file the streaming parser stopped on is refused, said as json would say it.

    Only a refused file is read whole, to find the line and column of its fault.
    """
    with opener() as stream:
        text = stream.read().decode("utf-8-sig")
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return _("JSON illisible, ligne %(line)s, colonne %(column)s : vérifiez le fichier.") % {
            "line": error.lineno,
            "column": error.colno,
        }
    except (ValueError, RecursionError):
        # A number of thousands of digits, or lists nested thousands deep: not a file of places.
        pass
    return _(
        "JSON illisible : un nombre y est démesuré ou des listes y sont imbriquées "
        "sans fin ; vérifiez le fichier."
    )


def _read_json(opener: Opener, name: str) -> SourceFile:
    columns, old, count = set(), False, 0
    try:
        if _first_character(opener) != "[":
            # An object, not a list: json says whether it is at least well formed.
            with opener() as stream:
                json.loads(stream.read().decode("utf-8-sig"))
            raise FileRefused(_not_a_list_of_objects())
        with opener() as stream:
            for item in _json_values(stream):
                if not isinstance(item, dict):
                    raise FileRefused(_not_a_list_of_objects())
                record, item_old = _v1_keys(item)
                old = old or item_old
                columns.update(column for column in record if column in KNOWN_COLUMNS)
                count += 1
    except (ijson.JSONError, ValueError, RecursionError):
        raise FileRefused(_json_refusal(opener)) from None
    return SourceFile(
        name, "json", columns, _Records(lambda: _json_items(opener)), "v0" if old else "v1", count
    )


def _delimiter(header_line: str) -> str:
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t"):
        names = next(csv.reader([header_line], delimiter=delimiter), [])
        score = sum(1 for column in names if _column_name(column) in KNOWN_COLUMNS)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(opener: Opener, delimiter: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each row of the CSV file as a record, read line by line; the header first, as (“”, {})."""
    with io.TextIOWrapper(opener(), encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = [_column_name(column) for column in next(reader, [])]
            yield "", dict.fromkeys(header)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                where = _("ligne %(line)s") % {"line": reader.line_num}
                raw: dict[str, Any] = dict(zip(header, row, strict=False))
                if len(row) > len(header):
                    raw["__extra__"] = row[len(header) :]
                record, _old = _v1_keys(raw)
                # Undo the apostrophe a spreadsheet-safe export put before formula characters.
                yield (
                    where,
                    {
                        key: restore(value) if isinstance(value, str) else value
                        for key, value in record.items()
                    },
                )
        except csv.Error as error:
            # The csv module's message is English: say in French what it means.
            reason = (
                _("une valeur dépasse %(size)s Ko (un guillemet n’est peut-être pas refermé)")
                % {"size": csv.field_size_limit() // 1024}
                if "field limit" in str(error)
                else _("vérifiez les guillemets et les séparateurs")
            )
            raise FileRefused(
                _("CSV illisible, ligne %(line)s : %(reason)s.")
                % {"line": reader.line_num, "reason": reason}
            ) from None


def _read_csv(opener: Opener, name: str, head_text: str) -> SourceFile:
    if any(
        unicodedata.category(char) == "Cc" and char not in "\r\n\t" for char in head_text[:4096]
    ):
        raise FileRefused(_not_csv_or_json())
    delimiter = _delimiter(head_text.split("\n", 1)[0])
    rows = _csv_rows(opener, delimiter)
    _where, header = next(rows)
    columns, old = set(), False
    for column in header:
        translated = V0_COLUMNS.get(column, column)
        old = old or translated != column or column == "labels_nationaux"
        columns.add(translated)
    # Read to the end once, so that a fault anywhere refuses the file before anything is written.
    count = sum(1 for _row in rows)

    def records() -> Iterator[tuple[str, dict[str, Any]]]:
        rows = _csv_rows(opener, delimiter)
        next(rows)
        return rows

    return SourceFile(name, "csv", columns, _Records(records), "v0" if old else "v1", count)


# --- Checking records --------------------------------------------------------------------------

# Where French places can be: metropolitan France and Corsica, then the overseas territories.
# (south, north, west, east), a little wider than the land.
BOUNDING_BOXES = (
    (41.2, 51.2, -5.3, 9.7),  # France métropolitaine et Corse
    (15.8, 16.6, -61.9, -60.9),  # Guadeloupe
    (14.3, 14.95, -61.3, -60.75),  # Martinique
    (2.0, 5.9, -54.7, -51.5),  # Guyane
    (-21.45, -20.8, 55.15, 55.9),  # La Réunion
    (-13.05, -12.55, 44.95, 45.35),  # Mayotte
    (46.7, 47.2, -56.5, -56.0),  # Saint-Pierre-et-Miquelon
    (17.8, 18.2, -63.2, -62.75),  # Saint-Martin, Saint-Barthélemy
    (-14.45, -13.15, -178.25, -176.05),  # Wallis-et-Futuna
    (-28.0, -7.8, -155.0, -134.0),  # Polynésie française
    (-22.9, -19.0, 163.5, 168.2),  # Nouvelle-Calédonie
)
SAME_POSTCODE_KM = 50
SAME_DEPARTMENT_KM = 150
LARGE_GROUP = 50  # places sharing a postcode or department
STORED_SAMPLE = 200  # stored places of a postcode or department the check compares with
EARLIEST_DATE = date(2000, 1, 1)
_CODE_INSEE_RE = re.compile(r"([013-9]\d|2[AB1-9])\d{3}")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SEPARATORS_RE = re.compile(r"\s*[|;]\s*")
_URL_SEPARATORS_RE = re.compile(r"\s*\|\s*|\s*;\s*(?=https?://)", re.IGNORECASE)
_validate_url = URLValidator(schemes=["http", "https"])

# Columns stored as they are in a text field (model field name, as the standard names them).
TEXT_COLUMNS = {
    "nom": "title",
    "commune": "commune",
    "adresse": "adresse",
    "complement_adresse": "complement_adresse",
    "presentation_resume": "presentation_resume",
    "presentation_detail": "presentation_detail",
    "structure_parente": "structure_parente",
    "autres_formations_labels": "autres_formations_labels",
}


def in_france(latitude: float, longitude: float) -> bool:
    return any(
        south <= latitude <= north and west <= longitude <= east
        for south, north, west, east in BOUNDING_BOXES
    )


def department(postcode: str) -> str:
    return postcode[:3] if postcode.startswith(("97", "98")) else postcode[:2]


def _fold(value: str) -> str:
    value = unicodedata.normalize("NFC", value).replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", value).strip().casefold()


@dataclass
class Incoming:
    """A record read and checked, ready to be written."""

    outcome: Outcome
    identifiant: str
    local_id: str  # the id as the file gives it
    fields: dict[str, Any]  # LieuPage field → value, only for the columns the file has
    terms: dict[str, list[str]] = field(default_factory=dict)  # vocabulary → codes
    pivot: str = ""
    parent_hint: str = ""
    # The record named no source: its identifiant's prefix is the importer's default (the
    # file's name unless --source says otherwise), which changes with the file's name.
    default_source: bool = False

    @property
    def point(self) -> tuple[float, float] | None:
        latitude, longitude = self.fields.get("latitude"), self.fields.get("longitude")
        return None if latitude is None or longitude is None else (latitude, longitude)


class _Reader:
    """Turns raw records into Incoming ones; what is suspicious is flagged and dropped.

    Kept, with a flag: a date_maj before 2000 or in the future (the standard requires one and
    the file's own is the only one we have), text that looks like a spreadsheet formula.
    Dropped, with a flag: coordinates outside France's bounding boxes or more than 50 km from
    the other places of the same postcode (150 km of the department's when the postcode has no
    other place), unknown vocabulary values, opening hours that do not parse, a pivot that is
    neither a SIRET nor an RNA number, a phone, e-mail or web address that is not valid, the
    extra addresses when several are given (the site keeps one of each).
    Refused (the record is skipped): a missing id, name, commune, postcode or address, a NUL
    character in the id or name, an invalid postcode, a date_maj that cannot be read, an id
    already seen in the file.
    """

    def __init__(self, source: SourceFile, *, default_source: str, today: date):
        self.source = source
        self.default_source = default_source
        self.today = today
        self.terms = {(term.vocabulary, term.code): term for term in Term.objects.all()}
        self.folded: dict[str, dict[str, str | None]] = defaultdict(dict)
        for vocabulary, code in self.terms:
            self.folded[vocabulary][_fold(code)] = code
        for vocabulary, aliases in V0_VALUES.items():
            for old, new in aliases.items():
                self.folded[vocabulary].setdefault(_fold(old), new)
        self.dispositifs = {_fold(value): value for value in standard.DISPOSITIFS}
        self.formations = {_fold(value): value for value in standard.FORMATIONS_LABELS}
        self.labels = {_fold(old): new for old, new in V0_LABELS_NATIONAUX.items()}

    # Values as text --------------------------------------------------------------------------

    @staticmethod
    def text(raw: dict[str, Any], column: str) -> str:
        value = raw.get(column)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, list):
            return standard.SEPARATOR.join(str(item).strip() for item in value if item is not None)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def values(self, raw: dict[str, Any], column: str, pattern=_SEPARATORS_RE) -> list[str]:
        return [part for part in pattern.split(self.text(raw, column)) if part]

    # The record ------------------------------------------------------------------------------

    def read(self, where: str, raw: dict[str, Any], report: ImportReport) -> Incoming | None:
        local_id = self.text(raw, "id")
        outcome = report.outcome(where, key=local_id, label=self.text(raw, "nom")[:120])
        if raw.get("__extra__"):
            outcome.skip(_("La ligne a plus de valeurs que l’en-tête n’a de colonnes"))
            return None
        missing = [
            column
            for column in ("id", "nom", "commune", "code_postal", "adresse", "date_maj")
            if not self.text(raw, column)
        ]
        if missing:
            outcome.skip(
                _("Valeur obligatoire absente : %(columns)s") % {"columns": ", ".join(missing)}
            )
            return None
        if any("\x00" in self.text(raw, column) for column in ("id", "nom")):
            # The batch looks places up by id and name, and PostgreSQL refuses a NUL even in a
            # query: let through, it would stop every record of the batch.
            outcome.skip(_("Caractère nul dans l’identifiant ou le nom : enregistrement illisible"))
            return None
        postcode = self.text(raw, "code_postal")
        if isinstance(raw.get("code_postal"), int | float) and postcode.isdigit():
            postcode = postcode.zfill(5)  # a JSON number loses the leading zero of 01000
        if not re.fullmatch(r"(?!00)\d{5}", postcode):
            outcome.skip(
                _("Code postal « %(value)s » invalide : 5 chiffres attendus") % {"value": postcode}
            )
            return None
        updated = self.date(self.text(raw, "date_maj"))
        if updated is None:
            outcome.skip(
                _("Date de mise à jour « %(value)s » illisible : AAAA-MM-JJ attendu")
                % {"value": self.text(raw, "date_maj")}
            )
            return None
        named_source = self.text(raw, "source")[:200]
        source = named_source or self.default_source
        prefix = f"{source}:"
        identifiant = local_id if local_id.startswith(prefix) else prefix + local_id
        if len(identifiant) > LieuPage._meta.get_field("identifiant").max_length:
            outcome.skip(
                _("Identifiant trop long (« %(value)s », source comprise)")
                % {"value": identifiant[:60] + "…"}
            )
            return None

        fields: dict[str, Any] = {"identifiant": identifiant, "source": source}
        incoming = Incoming(
            outcome=outcome,
            identifiant=identifiant,
            local_id=local_id,
            fields=fields,
            default_source=not named_source,
        )
        fields["code_postal"] = postcode
        fields["date_maj"] = updated
        if updated < EARLIEST_DATE or updated > self.today:
            outcome.flag(
                _("date de mise à jour suspecte (%(date)s), conservée telle quelle")
                % {"date": updated.strftime("%d/%m/%Y")}
            )
        columns = self.source.columns
        for column, name in TEXT_COLUMNS.items():
            if column in columns:
                fields[name] = self.bounded_text(outcome, column, name, self.text(raw, column))
        if "autres_formations_labels" in fields:
            fields["autres_formations_labels"] = standard.SEPARATOR.join(
                self.values(raw, "autres_formations_labels")
            )[:500]
        if "labels_nationaux" in columns:
            self.labels_nationaux(raw, incoming)
        if "code_insee" in columns:
            fields["code_insee"] = self.code_insee(outcome, raw)
        if "latitude" in columns or "longitude" in columns:
            fields["latitude"], fields["longitude"] = self.coordinates(outcome, raw)
        if "telephone" in columns:
            fields["telephone"] = self.phone(outcome, self.text(raw, "telephone"))
        if "courriels" in columns:
            emails = self.valid_values(outcome, raw, "courriels", validate_email, _("courriel"))
            fields["courriel"], fields["autres_courriels"] = (
                (emails[0], "\n".join(emails[1:])) if emails else ("", "")
            )
        if "site_web" in columns:
            sites = self.valid_values(
                outcome, raw, "site_web", _validate_url, _("site web"), url=True
            )
            fields["site_web"], fields["autres_sites_web"] = (
                (sites[0], "\n".join(sites[1:])) if sites else ("", "")
            )
        for column in ("fiche_acces_libre", "prise_rdv"):
            if column in columns:
                fields[column] = self.first_valid(
                    outcome, raw, column, _validate_url, column.replace("_", " "), url=True
                )
        if "horaires" in columns:
            fields["horaires"] = self.opening_hours(outcome, raw)
        if "pivot" in columns:
            fields["pivot"] = incoming.pivot = self.pivot(outcome, self.text(raw, "pivot"))
        incoming.parent_hint = fields.get("structure_parente", "")
        for column, vocabulary in VOCABULARY_COLUMNS.items():
            if column in columns:
                codes = incoming.terms.setdefault(vocabulary.value, [])
                for code in self.vocabulary(outcome, vocabulary, self.values(raw, column)):
                    if code not in codes:
                        codes.append(code)
        if not incoming.terms.get(Vocabulary.SERVICES.value):
            outcome.flag(
                _(
                    "aucun service renseigné : le modèle national considère ce lieu comme "
                    "fermé au public"
                )
            )
        return incoming

    def bounded_text(self, outcome: Outcome, column: str, name: str, value: str) -> str:
        if looks_like_formula(value):
            outcome.flag(
                _("« %(column)s » ressemble à une formule de tableur (« %(value)s »)")
                % {"column": column, "value": value[:40]}
            )
        limit = LieuPage._meta.get_field(name).max_length
        if limit and len(value) > limit:
            outcome.flag(
                _("« %(column)s » dépasse %(limit)s caractères : coupé")
                % {"column": column, "limit": limit}
            )
            value = value[: limit - 1].rstrip() + "…"
        return value

    def date(self, value: str) -> date | None:
        value = value.strip()
        for parse in (
            lambda text: date.fromisoformat(text[:10]),
            lambda text: datetime.strptime(text, "%d/%m/%Y").date(),
        ):
            try:
                return parse(value)
            except ValueError:
                continue
        return None

    def code_insee(self, outcome: Outcome, raw: dict[str, Any]) -> str:
        value = self.text(raw, "code_insee").upper()
        if isinstance(raw.get("code_insee"), int | float) and value.isdigit():
            value = value.zfill(5)
        if value and not _CODE_INSEE_RE.fullmatch(value):
            outcome.flag(_("code INSEE « %(value)s » invalide, écarté") % {"value": value})
            return ""
        return value

    def coordinates(
        self, outcome: Outcome, raw: dict[str, Any]
    ) -> tuple[float | None, float | None]:
        texts = (self.text(raw, "latitude"), self.text(raw, "longitude"))
        if not any(texts):
            return None, None
        try:
            latitude, longitude = (float(text.replace(",", ".")) for text in texts)
        except ValueError:
            outcome.flag(
                _("coordonnées illisibles (« %(latitude)s », « %(longitude)s »), écartées")
                % {"latitude": texts[0], "longitude": texts[1]}
            )
            return None, None
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            outcome.flag(_("coordonnées illisibles, écartées"))
            return None, None
        if not in_france(latitude, longitude):
            if in_france(longitude, latitude):
                message = _(
                    "coordonnées (%(latitude)s, %(longitude)s) hors de France : latitude et "
                    "longitude semblent inversées ; écartées"
                )
            else:
                message = _("coordonnées (%(latitude)s, %(longitude)s) hors de France, écartées")
            outcome.flag(message % {"latitude": texts[0], "longitude": texts[1]})
            return None, None
        return latitude, longitude

    def phone(self, outcome: Outcome, value: str) -> str:
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except ValidationError:
            outcome.flag(
                _(
                    "téléphone « %(value)s » écarté : ce n'est pas un numéro français (métropole ou outre-mer)"
                )
                % {"value": value[:30]}
            )
            return ""

    def first_valid(self, outcome, raw, column, validate, what, *, url=False) -> str:
        """The first valid value of a column the site keeps one of; the others are flagged."""
        values = self.valid_values(outcome, raw, column, validate, what, url=url)
        for extra in values[1:]:
            outcome.flag(
                _("%(what)s « %(value)s » écarté : le site n'en garde qu'un par lieu")
                % {"what": what, "value": extra[:80]}
            )
        return values[0] if values else ""

    def valid_values(self, outcome, raw, column, validate, what, *, url=False) -> list[str]:
        """Every valid value of a multi-valued column; invalid ones are flagged and left out."""
        pattern = _URL_SEPARATORS_RE if url else re.compile(r"\s*[|;,]\s*")
        kept = []
        for value in self.values(raw, column, pattern):
            if url and not _SCHEME_RE.match(value):
                value = "https://" + value
            try:
                validate(value)
                if len(value) > 200 and url:
                    raise ValidationError("too long")
            except ValidationError:
                outcome.flag(
                    _("%(what)s « %(value)s » invalide, écarté")
                    % {"what": what, "value": value[:80]}
                )
                continue
            if value not in kept:
                kept.append(value)
        return kept

    def opening_hours(self, outcome: Outcome, raw: dict[str, Any]) -> str:
        value = raw.get("horaires")
        if value in (None, ""):
            return ""
        if not isinstance(value, str):
            outcome.flag(_("horaires dans un format non pris en charge, écartés"))
            return ""
        value = value.strip()
        try:
            validate_opening_hours(value)
        except ValidationError as error:
            outcome.flag(
                _("horaires « %(value)s » écartés : %(error)s")
                % {"value": value[:80], "error": " ".join(error.messages)}
            )
            return ""
        return value

    def pivot(self, outcome: Outcome, value: str) -> str:
        compact = re.sub(r"\s", "", value).upper()
        if not compact or compact == standard.UNKNOWN_PIVOT:
            return ""
        try:
            validate_siret_or_rna(compact)
        except ValidationError:
            outcome.flag(
                _("pivot « %(value)s » : ni un SIRET ni un numéro RNA, écarté")
                % {"value": value[:30]}
            )
            return ""
        return compact

    def vocabulary(self, outcome: Outcome, vocabulary: Vocabulary, values: list[str]) -> list[str]:
        codes = []
        known = self.folded[vocabulary.value]
        for value in values:
            if (vocabulary.value, value) in self.terms:
                codes.append(value)
                continue
            folded = _fold(value)
            if folded in known:
                if known[folded]:
                    codes.append(known[folded])
                continue
            outcome.flag(
                _("valeur inconnue « %(value)s » pour %(vocabulary)s, écartée")
                % {"value": value[:80], "vocabulary": vocabulary.value}
            )
        return codes

    def labels_nationaux(self, raw: dict[str, Any], incoming: Incoming) -> None:
        """v0's national labels: dispositifs or formations when the v1 lists have them,
        "autres formations et labels" otherwise (they are labels, just not listed in v1)."""
        dispositifs = incoming.terms.setdefault(Vocabulary.DISPOSITIFS.value, [])
        formations = incoming.terms.setdefault(Vocabulary.FORMATIONS.value, [])
        others = []
        for value in self.values(raw, "labels_nationaux"):
            folded = _fold(self.labels.get(_fold(value), value))
            if folded in self.dispositifs:
                target, code = dispositifs, self.dispositifs[folded]
            elif folded in self.formations:
                target, code = formations, self.formations[folded]
            else:
                target, code = others, value
            if code not in target:
                target.append(code)
        if others:
            existing = incoming.fields.get("autres_formations_labels", "")
            incoming.fields["autres_formations_labels"] = standard.SEPARATOR.join(
                [*others, *([existing] if existing else [])]
            )[:500]


def _median(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(point[0] for point in points),
        statistics.median(point[1] for point in points),
    )


def _check_distances(incomings: list[Incoming]) -> None:
    """Flags and drops coordinates far from the other places of the same postcode (or, when
    the postcode has no other place, of the same department), in the file and in the site."""
    points: dict[str, list[tuple[str, tuple[float, float]]]] = defaultdict(list)
    by_department: dict[str, list[tuple[str, tuple[float, float]]]] = defaultdict(list)
    for incoming in incomings:
        if incoming.point:
            postcode = incoming.fields["code_postal"]
            points[postcode].append((incoming.identifiant, incoming.point))
            by_department[department(postcode)].append((incoming.identifiant, incoming.point))
    if not points:
        return
    departments = Q()
    for code in by_department:
        departments |= Q(code_postal__startswith=code)
    in_file = {incoming.identifiant for incoming in incomings}
    stored = (
        LieuPage.objects.filter(departments, latitude__isnull=False, longitude__isnull=False)
        .values_list("identifiant", "code_postal", "latitude", "longitude")
        .iterator(chunk_size=2000)
    )
    for identifiant, postcode, latitude, longitude in stored:
        if identifiant in in_file:
            continue
        # A sample of the stored places is enough for a median: memory stays bounded however
        # many places the site (or the batches before this one) holds.
        if len(points[postcode]) < STORED_SAMPLE:
            points[postcode].append((identifiant, (latitude, longitude)))
        if len(by_department[department(postcode)]) < STORED_SAMPLE:
            by_department[department(postcode)].append((identifiant, (latitude, longitude)))

    medians: dict[str, tuple[float, float]] = {}

    def reference(
        key: str, group: list, identifiant: str
    ) -> tuple[tuple[float, float] | None, int]:
        """The median point of the group's other places, and how many there are. In a large
        group one place barely moves the median: it is computed once (no quadratic work)."""
        if len(group) > LARGE_GROUP:
            if key not in medians:
                medians[key] = _median([point for _other, point in group])
            return medians[key], len(group) - 1
        others = [point for other, point in group if other != identifiant]
        return (_median(others) if others else None), len(others)

    for incoming in incomings:
        if not incoming.point:
            continue
        postcode = incoming.fields["code_postal"]
        center, count = reference(postcode, points[postcode], incoming.identifiant)
        limit, where = SAME_POSTCODE_KM, postcode
        if not count and not postcode.startswith(("97", "98")):
            code = department(postcode)
            center, count = reference("dep-" + code, by_department[code], incoming.identifiant)
            center = center if count >= 2 else None
            limit, where = SAME_DEPARTMENT_KM, code
        if center is None:
            continue
        distance = distance_km(incoming.point, center)
        if distance > limit:
            message = (
                _(
                    "coordonnées à %(distance)s km des autres lieux du code postal %(where)s, "
                    "écartées"
                )
                if limit == SAME_POSTCODE_KM
                else _(
                    "coordonnées à %(distance)s km des autres lieux du département %(where)s, "
                    "écartées"
                )
            )
            incoming.outcome.flag(message % {"distance": round(distance), "where": where})
            incoming.fields["latitude"] = incoming.fields["longitude"] = None


# --- Writing records ---------------------------------------------------------------------------


def _batches(items: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` items from any iterable (itertools.batched, before Python 3.12)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _chunks(items: list, size: int = CHUNK_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Importer:
    def __init__(self, report: ImportReport, *, structure: StructurePage | None, local: str):
        self.report = report
        self.structure = structure
        self.local = local
        self.terms = {(term.vocabulary, term.code): term for term in Term.objects.all()}
        self.structures = list(
            StructurePage.objects.only("pk", "title", "siret_ou_rna", "slug", "path", "depth")
        )
        self.by_siret = {
            s.siret_ou_rna.replace(" ", "").upper(): s for s in self.structures if s.siret_ou_rna
        }
        self.by_title = {_fold(s.title): s for s in self.structures}
        self.fallback = next(
            (s for s in self.structures if s.slug == FALLBACK_STRUCTURE_SLUG), None
        )

    def existing(self, incomings: list[Incoming]) -> dict[str, LieuPage]:
        return self.existing_by_identifiant([incoming.identifiant for incoming in incomings])

    def existing_by_identifiant(self, identifiants: list[str]) -> dict[str, LieuPage]:
        found = {}
        for chunk in _chunks(identifiants):
            for page in with_structure(
                LieuPage.objects.filter(identifiant__in=chunk)
            ).prefetch_related("terms"):
                found[page.identifiant] = page
        return found

    def own_places(self, incomings: list[Incoming]) -> set[str]:
        """This site's own places among the records (their id is "<site name>:relais-lieu-N")."""
        prefix = f"{self.local}:"
        candidates = [
            incoming.identifiant[len(prefix) :]
            for incoming in incomings
            if incoming.fields["source"] == self.local and incoming.identifiant.startswith(prefix)
        ]
        own = set()
        for chunk in _chunks(candidates):
            own.update(
                LieuPage.objects.filter(identifiant__in=chunk, source="").values_list(
                    "identifiant", flat=True
                )
            )
        return {prefix + identifiant for identifiant in own}

    def earlier_places(
        self, incomings: list[Incoming], existing: dict[str, LieuPage]
    ) -> dict[str, LieuPage]:
        """For each record without a source that would be created: the place already imported
        under another source with the same id, name and postcode, if there is one.

        Dated exports (lieux-2026-10.csv, then lieux-2026-11.csv) give their records a new
        default source each month; without this every place would be created again. A place
        with the same id but another name or postcode is another file's place 1, 2, 3…
        """
        candidates = [
            incoming
            for incoming in incomings
            if incoming.default_source and incoming.identifiant not in existing
        ]
        stored: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for chunk in _chunks(candidates):
            rows = (
                LieuPage.objects.filter(
                    title__in={incoming.fields["title"] for incoming in chunk},
                    code_postal__in={incoming.fields["code_postal"] for incoming in chunk},
                )
                .exclude(source="")
                .values_list("title", "code_postal", "identifiant", "source")
            )
            for title, postcode, identifiant, source in rows:
                stored[(title, postcode)].append((identifiant, source))
        matches = {}
        for incoming in candidates:
            key = (incoming.fields["title"], incoming.fields["code_postal"])
            earlier = sorted(
                identifiant
                for identifiant, source in stored.get(key, ())
                if source != incoming.fields["source"]
                and incoming.local_id in (identifiant, identifiant.removeprefix(f"{source}:"))
            )
            if earlier:
                matches[incoming.identifiant] = earlier[0]
        pages = self.existing_by_identifiant(list(matches.values()))
        return {new: pages[old] for new, old in matches.items() if old in pages}

    def parent_for(self, incoming: Incoming) -> tuple[StructurePage | None, str]:
        if self.structure is not None:
            return self.structure, _("placé sous « %(title)s », la structure demandée")
        if incoming.pivot and incoming.pivot in self.by_siret:
            structure = self.by_siret[incoming.pivot]
            return structure, _(
                "placé sous « %(title)s », dont le SIRET ou RNA est le pivot du lieu"
            )
        if incoming.parent_hint and _fold(incoming.parent_hint) in self.by_title:
            structure = self.by_title[_fold(incoming.parent_hint)]
            return structure, _("placé sous « %(title)s », sa structure parente")
        return None, _(
            "placé sous « %(title)s » : aucune structure ne correspond à son pivot ni à sa "
            "structure parente"
        )

    def ensure_fallback(self) -> StructurePage:
        if self.fallback is None:
            index = StructureIndexPage.objects.get()
            fallback = StructurePage(
                title=FALLBACK_STRUCTURE_TITLE,
                slug=FALLBACK_STRUCTURE_SLUG,
                presentation=(
                    "<p>Les lieux importés du standard national qu’aucune structure du réseau "
                    "ne revendique encore.</p>"
                ),
            )
            with transaction.atomic():
                index.add_child(instance=fallback)
                fallback.save_revision().publish()
            self.fallback = fallback
            self.report.note(
                _("Structure « %(title)s » créée pour accueillir les lieux sans structure.")
                % {"title": FALLBACK_STRUCTURE_TITLE}
            )
        return self.fallback

    def slug_for(self, parent: StructurePage, incoming: Incoming) -> str:
        # Asked of the database each time: a set of every sibling's slug would grow with the
        # file when thousands of places land under the same structure.
        base = slugify(incoming.fields["title"])[:70].strip("-") or "lieu"
        taken = set(
            Page.objects.child_of(parent)
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    def term_objects(self, codes: dict[str, list[str]], keep: Iterable[Term] = ()) -> list[Term]:
        terms = [term for term in keep if term.vocabulary not in codes]
        for vocabulary, values in codes.items():
            terms.extend(self.terms[(vocabulary, code)] for code in values)
        return terms

    def write_all(self, incomings: list[Incoming]) -> None:
        existing = self.existing(incomings)
        own = self.own_places(incomings)
        earlier = self.earlier_places(incomings, existing)
        for incoming in incomings:
            page = existing.get(incoming.identifiant)
            if incoming.identifiant in earlier:
                page = earlier[incoming.identifiant]
                self.adopt(incoming, page)
            if incoming.identifiant in own and page is None:
                incoming.outcome.skip(
                    _(
                        "Ce lieu a été créé sur ce site (« %(id)s ») : modifiez-le dans "
                        "l’administration plutôt que par un import"
                    )
                    % {"id": incoming.identifiant.split(":", 1)[1]}
                )
                continue
            try:
                self.write(incoming, page)
            except ValidationError as error:
                incoming.outcome.skip(
                    _("Refusé à l’enregistrement : %(errors)s")
                    % {"errors": " ".join(_validation_messages(error))}
                )
            except DatabaseError:
                # The database's own message is English and technical.
                incoming.outcome.skip(
                    _(
                        "Refusé par la base de données : une valeur hors de ses limites "
                        "(caractère nul, nombre démesuré…)"
                    )
                )

    def adopt(self, incoming: Incoming, page: LieuPage) -> None:
        """The record updates the place found under an earlier source, which keeps its
        identity; the report says so, since the match rests on the id, name and postcode."""
        incoming.fields["identifiant"], incoming.fields["source"] = page.identifiant, page.source
        incoming.outcome.note(
            _(
                "Ce fichier n’indique pas de source : le lieu déjà importé sous la source "
                "« %(source)s » (même identifiant, même nom, même code postal) est mis à jour "
                "plutôt que dupliqué (l’option --source %(option)s désigne cette source)"
            )
            % {"source": page.source, "option": shlex.quote(page.source)}
        )

    def write(self, incoming: Incoming, page: LieuPage | None) -> None:
        outcome = incoming.outcome
        if page is None:
            parent, placement = self.parent_for(incoming)
            parent = parent or self.ensure_fallback()
            page = LieuPage(**incoming.fields, live=False)
            page.slug = self.slug_for(parent, incoming)
            page.terms = self.term_objects(incoming.terms)
            try:
                with transaction.atomic():
                    parent.add_child(instance=page)
                    page.save_revision().publish()
            except Exception:
                # treebeard counted the child on the parent in memory; the rollback undid it
                # in the database only.
                parent.numchild = Page.objects.get(pk=parent.pk).numchild
                raise
            outcome.action = Action.CREATED
            outcome.note(placement % {"title": parent.title})
            return
        current_terms = list(page.terms.all())
        changed = any(getattr(page, name) != value for name, value in incoming.fields.items())
        current_codes = defaultdict(set)
        for term in current_terms:
            current_codes[term.vocabulary].add(term.code)
        changed = changed or any(
            set(codes) != current_codes[vocabulary] for vocabulary, codes in incoming.terms.items()
        )
        where = page.structure_title or ""
        if not changed and not page.has_unpublished_changes:
            outcome.action = Action.UNCHANGED
            outcome.note(_("Déjà à jour, sous « %(title)s »") % {"title": where})
            return
        for name, value in incoming.fields.items():
            setattr(page, name, value)
        page.terms = self.term_objects(incoming.terms, keep=current_terms)
        with transaction.atomic():
            revision = page.save_revision()
            if page.live:
                revision.publish()
        outcome.action = Action.UPDATED
        outcome.note(_("Sous « %(title)s »") % {"title": where})
        if not page.live:
            # An editor withdrew it: the import does not put it back online.
            outcome.note(_("Le lieu reste dépublié : la nouvelle version attend en brouillon"))


def import_records(
    source: SourceFile,
    *,
    structure: StructurePage | None = None,
    default_source: str = "",
    dry_run: bool = False,
    progress_stream=None,
    report_sink: Callable[[str], Any] | None = None,
) -> ImportReport:
    """Writes the file's records as published LieuPages; one transaction per record.

    A record that cannot be stored is skipped with its reason, and the others go on. With
    ``dry_run`` everything happens inside one transaction that is rolled back at the end, so
    the report is exactly what a real run would say. With ``report_sink``, each batch's report
    lines go to it as the batch ends and the report keeps only the counts (constant memory).
    """
    report = ImportReport(source=source.name, dry_run=dry_run, sink=report_sink)
    if source.shape == "v0":
        report.note(
            _("Fichier au format v0 du standard : séparateurs « ; » et anciens libellés convertis.")
        )
    default_source = default_source or Path(source.name).stem or _("import")
    reader = _Reader(source, default_source=default_source, today=timezone.localdate())
    # Identifiants met so far: the only thing kept per record (a few dozen bytes each).
    seen: set[str] = set()

    # A real run commits each record on its own; a dry run wraps them all in one transaction
    # that is rolled back, so that its report is exactly what a real run would say.
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        importer = _Importer(report, structure=structure, local=local_source())
        progress = Progress(_("Import des lieux"), source.count, stream=progress_stream)
        # Records are read, checked and written a batch at a time: memory holds one batch.
        for batch in _batches(source.records, CHUNK_SIZE):
            incomings: list[Incoming] = []
            for where, raw in batch:
                incoming = reader.read(where, raw, report)
                if incoming is None:
                    continue
                if incoming.identifiant in seen:
                    incoming.outcome.skip(
                        _("Identifiant « %(id)s » déjà rencontré plus haut dans le fichier")
                        % {"id": incoming.local_id}
                    )
                    continue
                seen.add(incoming.identifiant)
                incomings.append(incoming)
            _check_distances(incomings)
            importer.write_all(incomings)
            progress.advance(len(batch))
            report.settle()
        progress.finish()
        if dry_run:
            transaction.set_rollback(True)
    return report


def _validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name} : {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)
