"""How models become whoosh documents.

One index per root model (pages, images, documents, each snippet model), like the
Elasticsearch backend, and one fixed schema of dynamic fields, so that adding a model or a
field needs no schema migration:

    id          the primary key (stored, unique): the document's key
    ct          the model's label and its indexed ancestors' ("wagtailcore.page")
    t_<column>  one SearchField, related ones included, its words weighted by its boost
                (see analysis.py): a search looks in all of them, or in those of
                search(fields=[...]) (no copy of them all in one field: that doubled the
                text's postings, and postings are what a rebuild spends its time on)
    a_<column>  one AutocompleteField, related ones included, as prefixes: an autocomplete
                looks in all of them, or in those of autocomplete(fields=[...]) (no copy of
                them all in one field: prefixes are most of an index's postings)
    fi_<column> a FilterField holding integers, booleans, dates, times (as integers)
    ff_<column> a FilterField holding floats and decimals
    fs_<column> any other FilterField, as exact strings
    null        the FilterField columns that have no value in this document
    spell       the words of the AutocompleteFields (titles), folded but not stemmed: the
                lexicon of spelling suggestions, as words people can read (stems are not)
    pkn / pks   the primary key as a sortable number or string, to break ties

A column is the field's attribute name ("owner_id"), prefixed with "app_model__" when the
field is declared by a subclass of the root model, and "relation__" inside RelatedFields.
Filter fields are indexed as terms, sortable, and may hold several values (many-to-many,
related objects), so filters and ordering run inside whoosh.
"""

import datetime
import logging

from whoosh import fields

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_duration, parse_time
from django.utils.encoding import force_str

from modelsearch.backends.base import get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    Indexed,
    RelatedFields,
    SearchField,
    class_is_indexed,
)

from .analysis import boosted_sections, prefix_analyzer, spelling_analyzer, text_analyzer
from .store import KEY_FIELD

logger = logging.getLogger(__name__)

CONTENT_TYPES = "ct"
# The start of the full-text columns' names: a search on every field searches them all.
TEXT_COLUMNS = "t_"
# The start of the autocomplete columns' names: an autocomplete on every field searches them all.
PREFIX_COLUMNS = "a_"
NULLS = "null"
SPELLING = "spell"
PK_NUMBER = "pkn"
PK_STRING = "pks"

INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "BooleanField",
    "NullBooleanField",
    "DateField",
    "DateTimeField",
    "TimeField",
    "DurationField",
}
FLOAT_TYPES = {"FloatField", "DecimalField"}
INT64 = (-(2**63), 2**63 - 1)
EPOCH = datetime.datetime(1970, 1, 1)


def build_schema(language: str) -> fields.Schema:
    def text():
        return fields.TEXT(analyzer=text_analyzer(language, sections=True), phrase=True)

    def prefixes():
        return fields.TEXT(analyzer=prefix_analyzer(), phrase=False)

    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        ct=fields.KEYWORD(),
        null=fields.KEYWORD(),
        # Only sorted on, never searched: one term is enough.
        pkn=fields.NUMERIC(int, 64, signed=True, sortable=True, shift_step=0),
        pks=fields.ID(sortable=True),
        # Titles only, not every text: the lexicon is what suggestions need, and each word
        # indexed here is a posting more for a rebuild to write.
        spell=fields.TEXT(analyzer=spelling_analyzer(language), phrase=False),
    )
    schema.add(TEXT_COLUMNS + "*", text(), glob=True)
    schema.add(PREFIX_COLUMNS + "*", prefixes(), glob=True)
    # A 64-bit number is indexed at 64 / shift_step precisions, for fast ranges. 32 (two terms
    # a value) keeps a page's dozen filter fields from outweighing its words; with 16, they
    # were a third of a rebuild's postings.
    schema.add(
        "fi_*", fields.NUMERIC(int, 64, signed=True, sortable=True, shift_step=32), glob=True
    )
    schema.add("ff_*", fields.NUMERIC(float, sortable=True, shift_step=32), glob=True)
    schema.add("fs_*", fields.ID(sortable=True), glob=True)
    return schema


# Names ----------------------------------------------------------------------------------------


def index_name(model) -> str:
    return get_model_root(model)._meta.label_lower


def content_type_labels(model) -> list[str]:
    """The labels a document answers to: its model, the models it proxies, its parents."""
    lineage = [model]
    while lineage[-1]._meta.proxy:
        lineage.append(lineage[-1]._meta.proxy_for_model)
    lineage += lineage[-1]._meta.get_parent_list()
    return [each._meta.label_lower for each in lineage if issubclass(each, Indexed)]


def column_name(field, model) -> str:
    """A top-level search_fields entry's column (Elasticsearch's naming, for the same reason:
    two subclasses may declare fields of the same name and different types)."""
    root = get_model_root(model)
    definition = field.get_definition_model(model)
    prefix = ""
    if (
        definition is not None
        and definition is not root
        and hasattr(definition, "_meta")
        and not definition._meta.abstract
        and issubclass(definition, root)
    ):
        prefix = f"{definition._meta.app_label}_{definition.__name__}__".lower()
    if isinstance(field, RelatedFields):
        return prefix + field.field_name
    return prefix + field.get_attname(model)


def boost_of(field) -> float:
    # Boosts are weights: none, zero or negative mean the ordinary weight.
    return float(field.boost) if field.boost and float(field.boost) > 0 else 1.0


def filter_kind(internal_type: str) -> str:
    if internal_type in INTEGER_TYPES:
        return "i"
    if internal_type in FLOAT_TYPES:
        return "f"
    return "s"


def filter_field_name(internal_type: str, column: str) -> str:
    return f"f{filter_kind(internal_type)}_{column}"


# Values ---------------------------------------------------------------------------------------


def _microseconds(value: datetime.datetime) -> int:
    if timezone.is_aware(value):
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def encode_filter_value(internal_type: str, value):
    """A filter value as whoosh indexes it; the same function encodes query values.

    Raises ValueError for a value the field can't hold.
    """
    if isinstance(value, models.Model):
        value = value.pk
    if value is None:
        return None
    if internal_type in ("BooleanField", "NullBooleanField"):
        return int(bool(value))
    if internal_type in ("DateField", "DateTimeField"):
        if isinstance(value, str):
            value = parse_datetime(value) or parse_date(value)
        if isinstance(value, datetime.datetime):
            return _microseconds(value)
        if isinstance(value, datetime.date):
            return _microseconds(datetime.datetime.combine(value, datetime.time()))
        raise ValueError(f"{value!r} is not a date")
    if internal_type == "TimeField":
        if isinstance(value, str):
            value = parse_time(value)
        if not isinstance(value, datetime.time):
            raise ValueError(f"{value!r} is not a time")
        seconds = (value.hour * 60 + value.minute) * 60 + value.second
        return seconds * 1_000_000 + value.microsecond
    if internal_type == "DurationField":
        if isinstance(value, str):
            value = parse_duration(value)
        if not isinstance(value, datetime.timedelta):
            raise ValueError(f"{value!r} is not a duration")
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    kind = filter_kind(internal_type)
    if kind == "i":
        number = int(value)
        if not INT64[0] <= number <= INT64[1]:
            raise ValueError(f"{number} does not fit in 64 bits")
        return number
    if kind == "f":
        return float(value)
    return force_str(value)


def decode_filter_value(internal_type: str, value):
    """The inverse of encode_filter_value, for facet keys."""
    if value is None:
        return None
    if internal_type in ("BooleanField", "NullBooleanField"):
        return bool(value)
    if internal_type == "DateField":
        return (EPOCH + datetime.timedelta(microseconds=value)).date()
    if internal_type == "DateTimeField":
        moment = EPOCH + datetime.timedelta(microseconds=value)
        return moment.replace(tzinfo=datetime.UTC) if settings.USE_TZ else moment
    if internal_type == "TimeField":
        seconds, microseconds = divmod(value, 1_000_000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime.time(hour, minute, second, microseconds)
    if internal_type == "DurationField":
        return datetime.timedelta(microseconds=value)
    return value


def text_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(text_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(text_value(item) for item in value.values())
    return force_str(value)


def _filter_values(value) -> list:
    if isinstance(value, (models.Manager, models.QuerySet)):
        return list(value.values_list("pk", flat=True))
    if isinstance(value, (list, tuple, set)):
        return [item.pk if isinstance(item, models.Model) else item for item in value]
    return [value]


def _related_objects(field: RelatedFields, obj) -> list:
    value = field.get_value(obj)
    if isinstance(value, (models.Manager, models.QuerySet)):
        return list(value.all())
    if callable(value):
        value = value()
    if value is None:
        return []
    if isinstance(value, models.Model):
        return [value]
    return list(value)


# Documents ------------------------------------------------------------------------------------


class _Parts:
    def __init__(self):
        self.text = {}
        self.prefix_fields = {}
        self.filters = {}
        self.declared = set()

    def add(self, bucket: dict, name: str, value) -> None:
        bucket.setdefault(name, []).append(value)


def _declare_filters(parts: _Parts, model, search_fields, prefix: str | None) -> None:
    """Every filter column this model has, so that the empty ones are marked null."""
    for field in search_fields:
        if isinstance(field, FilterField):
            column = (
                column_name(field, model) if prefix is None else prefix + field.get_attname(model)
            )
            parts.declared.add(filter_field_name(field.get_type(model), column))
        elif isinstance(field, RelatedFields):
            try:
                related_model = field.get_field(model).related_model
            except FieldDoesNotExist:
                continue
            column = column_name(field, model) if prefix is None else prefix + field.field_name
            _declare_filters(parts, related_model, field.fields, column + "__")


def _collect(parts: _Parts, obj, model, search_fields, prefix: str | None) -> None:
    top_level = prefix is None
    for field in search_fields:
        if isinstance(field, RelatedFields):
            try:
                field.get_field(model)
            except FieldDoesNotExist:
                continue
            column = column_name(field, model) if top_level else prefix + field.field_name
            for related in _related_objects(field, obj):
                _collect(parts, related, type(related), field.fields, column + "__")
            continue

        column = column_name(field, model) if top_level else prefix + field.get_attname(model)
        if isinstance(field, FilterField):
            internal_type = field.get_type(model)
            name = filter_field_name(internal_type, column)
            for value in _filter_values(field.get_value(obj)):
                try:
                    encoded = encode_filter_value(internal_type, value)
                except (TypeError, ValueError):
                    # Indexed as missing rather than refused: one odd value must not keep the
                    # whole object out of search.
                    logger.warning("%s.%s: unindexable value %r", model.__name__, column, value)
                    continue
                if encoded is not None:
                    parts.add(parts.filters, name, encoded)
        elif isinstance(field, AutocompleteField):
            text = text_value(field.get_value(obj))
            if text:
                parts.add(parts.prefix_fields, PREFIX_COLUMNS + column, text)
        elif isinstance(field, SearchField):
            text = text_value(field.get_value(obj))
            if text:
                parts.add(parts.text, TEXT_COLUMNS + column, (text, boost_of(field)))


def build_document(obj) -> dict | None:
    """The whoosh document for a model instance, as plain JSON-able values."""
    model = type(obj)
    if not class_is_indexed(model):
        return None
    parts = _Parts()
    search_fields = model.get_search_fields()
    _declare_filters(parts, model, search_fields, None)
    _collect(parts, obj, model, search_fields, None)

    document = {
        KEY_FIELD: force_str(obj.pk),
        CONTENT_TYPES: " ".join(content_type_labels(model)),
    }
    if isinstance(obj.pk, int):
        document[PK_NUMBER] = obj.pk
    else:
        document[PK_STRING] = force_str(obj.pk)
    for name, sections in parts.text.items():
        document[name] = boosted_sections(sections)
    for name, texts in parts.prefix_fields.items():
        document[name] = "\n".join(texts)
    if parts.prefix_fields:
        document[SPELLING] = "\n".join(
            text for texts in parts.prefix_fields.values() for text in texts
        )
    for name, values in parts.filters.items():
        document[name] = values if len(values) > 1 else values[0]
    nulls = sorted(name for name in parts.declared if name not in parts.filters)
    if nulls:
        document[NULLS] = " ".join(nulls)
    return document
