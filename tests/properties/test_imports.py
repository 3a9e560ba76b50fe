"""Imports of someone else's file: the national standard's CSV/JSON (lieux) and the
Aides-territoires API format (veille). Whatever the file holds, the import answers a French
refusal or a report, and each record is stored whole or not at all."""

import csv
import io
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from django.db import transaction

from structures import exchange, standard
from structures.models import LieuPage
from veille import aides
from veille.models import AppelPage, VeilleIndexPage
from website.imports import Action, Outcome

from .hostile import anything, french_text

pytestmark = pytest.mark.django_db

# Each example writes pages: fewer of them, and the test's own transaction for each.
DATABASE_EXAMPLES = settings(
    max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | anything
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(anything, children, max_size=3)
    ),
    max_leaves=6,
)


def _report_is_french(report) -> None:
    for line in report.lines():
        french_text(line)
    french_text(report.summary())


# --- The standard's files, read --------------------------------------------------------------


@given(st.binary(max_size=2000))
@example(b"[" * 100_000)  # nesting deeper than the interpreter's recursion
@example(b'[{"id": ' + b"1" * 5000 + b"}]")  # an integer longer than Python converts
@example(b"\xef\xbb\xbf")
@example(b"id,nom\n\xff\xfe")
@example(b"id;nom;pivot;commune;code_postal;adresse;date_maj\n" + b'"' + b"x" * 200_000)
def test_any_bytes_are_a_file_of_records_or_a_french_refusal(data):
    try:
        source = exchange.read_bytes(data, name="lieux.csv")
    except exchange.FileRefused as refusal:
        french_text(str(refusal))
        return
    assert source.format in ("csv", "json")
    assert set(standard.REQUIRED_COLUMNS) <= source.columns


# --- The standard's records, imported ----------------------------------------------------------

VALID_RECORD = {
    "id": "lieu-1",
    "pivot": "00000000000000",
    "nom": "Espace numérique",
    "commune": "Chambéry",
    "code_postal": "73000",
    "adresse": "1 rue de la Gare",
    "date_maj": "2026-01-15",
    "services": "Aide aux démarches administratives",
}
COLUMN_VALUES = {
    "id": st.sampled_from(["lieu-1", "lieu-2", "lieu-1 ", "x" * 300]) | anything,
    "code_postal": st.sampled_from(["73000", "01000", 1000, 73000.0, "00000", "7300"])
    | json_scalars,
    "date_maj": st.sampled_from(
        ["2026-01-15", "15/01/2026", "0001-01-01", "9999-12-31", "2026-02-30"]
    )
    | json_scalars,
    "latitude": st.sampled_from([45.57, "45,57", "nan", "inf", 1e308, -91]) | json_scalars,
    "longitude": st.sampled_from([5.92, "5,92", "-inf", 181]) | json_scalars,
    "horaires": st.sampled_from(["Mo-Fr 09:00-12:00", "lundi 9h", "24/7"]) | json_values,
    "telephone": st.sampled_from(["04 79 00 00 00", "+33 4 79 00 00 00", "12"]) | json_scalars,
    "courriels": st.sampled_from(["a@exemple.fr|b@exemple.fr", "pas un courriel"]) | json_values,
    "site_web": st.sampled_from(["exemple.fr", "javascript:alert(1)", "https://" + "a" * 300])
    | json_values,
    "services": st.sampled_from(["Aide aux démarches administratives", "Inconnu|", ""])
    | json_values,
}


@st.composite
def records(draw):
    record = dict(VALID_RECORD)
    for column in draw(st.lists(st.sampled_from(sorted(COLUMN_VALUES)), max_size=4)):
        record[column] = draw(COLUMN_VALUES[column])
    for column in draw(st.lists(st.sampled_from(standard.COLUMNS), max_size=3)):
        record[column] = draw(json_values)
    return record


def _stored(identifiant: str) -> LieuPage | None:
    return LieuPage.objects.filter(identifiant=identifiant).first()


@DATABASE_EXAMPLES
@given(st.lists(records(), min_size=1, max_size=3), st.booleans())
def test_imported_records_are_stored_whole_or_not_at_all(home, file_records, as_csv):
    if as_csv:
        stream = io.StringIO()
        writer = csv.DictWriter(stream, fieldnames=standard.COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for record in file_records:
            writer.writerow({key: "" if value is None else value for key, value in record.items()})
        data = stream.getvalue().encode("utf-8", "surrogatepass")
    else:
        data = json.dumps(file_records).encode("utf-8", "surrogatepass")
    with transaction.atomic():
        try:
            source = exchange.read_bytes(data, name="lieux.json")
        except exchange.FileRefused as refusal:
            french_text(str(refusal))
            transaction.set_rollback(True)
            return
        before = LieuPage.objects.count()
        report = exchange.import_records(source, default_source="essai")
        assert all(outcome.action in Action for outcome in report.outcomes)
        _report_is_french(report)
        created = [o for o in report.outcomes if o.action == Action.CREATED]
        assert LieuPage.objects.count() == before + len(created)
        for outcome in created:
            page = _stored(f"essai:{outcome.key}")
            assert page is not None and page.live
            # Whole: the required fields and a published revision holding the same.
            assert page.title and page.commune and page.code_postal and page.date_maj
            assert page.latest_revision.as_object().title == page.title
        for outcome in report.outcomes:
            if outcome.action == Action.SKIPPED and outcome.key.strip():
                identifiants = {f"essai:{o.key}" for o in created}
                if f"essai:{outcome.key}" not in identifiants:
                    assert _stored(f"essai:{outcome.key}") is None
        transaction.set_rollback(True)


# --- Aides-territoires ----------------------------------------------------------------------

AIDE = {
    "id": 1,
    "name": "Soutenir la médiation numérique",
    "slug": "soutenir-la-mediation",
    "start_date": "2026-09-01",
    "submission_deadline": "2026-11-30",
}
AIDE_VALUES = {
    "id": st.sampled_from([1, 2, "1", "", None, 10**40]) | json_scalars,
    "name": st.sampled_from(["Appel", "x" * 3000, "<script>alert(1)</script>"]) | json_scalars,
    "slug": json_scalars,
    "start_date": st.sampled_from(["2026-09-01", "0001-01-01", "9999-12-31", "2026-13-45"])
    | json_scalars,
    "predeposit_date": st.sampled_from(["2026-10-01", "20261001"]) | json_scalars,
    "submission_deadline": st.sampled_from(["2026-11-30", "2025-01-01", "9999-12-31"])
    | json_scalars,
    "date_updated": st.sampled_from(["2026-10-01T12:00:00", "2026-13-45T99:99:99", "x"])
    | json_scalars,
    "subvention_rate_lower_bound": st.sampled_from([20, -5, 101, "80%", 1e400]) | json_scalars,
    "subvention_rate_upper_bound": json_scalars,
    "financers": st.lists(st.sampled_from(["Région", "CAF", "x\x00y", "a" * 500]) | json_values)
    | json_values,
    "categories": json_values,
    "targeted_audiences": json_values,
    "perimeter": st.fixed_dictionaries({"name": json_scalars, "scale": json_scalars}) | json_values,
    "perimeter_scale": json_scalars,
    "description": st.sampled_from(["<p>Texte</p><script>alert(1)</script>", "<" * 50])
    | json_scalars,
    "eligibility": json_scalars,
    "contact": json_scalars,
    "origin_url": st.sampled_from(["https://exemple.fr", "/aides/x/", "javascript:alert(1)"])
    | json_scalars,
    "application_url": json_scalars,
    "url": json_scalars,
    "recurrence": json_values,
    "is_call_for_project": json_values,
}


@st.composite
def aides_records(draw):
    record = dict(AIDE, id=draw(st.integers(min_value=1, max_value=5)))
    for key in draw(st.lists(st.sampled_from(sorted(AIDE_VALUES)), max_size=5)):
        record[key] = draw(AIDE_VALUES[key])
    return record


@given(json_values | aides_records())
@example({"id": 1, "name": "Appel", "subvention_rate_lower_bound": float("inf")})
@example({"id": 1, "name": "Appel", "date_updated": "2026-13-45T10:00:00"})
def test_any_aides_record_is_read_or_refused_with_a_french_reason(raw):
    outcome = Outcome(where="page 1, enregistrement 1")
    try:
        record = aides.read_record(raw, outcome, {"theme_slugs": set()})
    except aides.RecordRefused as reason:
        french_text(f"Ignoré : {reason}")
        return
    fields = record["fields"]
    assert fields["title"] and len(fields["title"]) <= aides.TITLE_LENGTH
    for name in ("rate_min", "rate_max"):
        assert fields[name] is None or 0 <= fields[name] <= 100
    assert "<script" not in fields["description"]


@DATABASE_EXAMPLES
@given(st.lists(aides_records() | json_values, min_size=1, max_size=3))
@example([{"id": 1, "name": "Appel", "financers": ["Financeur\x00nul"]}, AIDE])
def test_an_aides_import_stores_each_call_whole_or_not_at_all_and_twice_changes_nothing(
    home, tmp_path_factory, file_records
):
    path = tmp_path_factory.mktemp("aides") / "page.json"
    path.write_text(json.dumps({"results": file_records}), encoding="utf-8", errors="surrogatepass")
    with transaction.atomic():
        before = AppelPage.objects.count()
        report = aides.import_aides(str(path))
        _report_is_french(report)
        created = report.count(Action.CREATED)
        assert all(outcome.action in Action for outcome in report.outcomes)
        assert AppelPage.objects.count() == before + created
        parent = VeilleIndexPage.objects.get()
        for page in AppelPage.objects.child_of(parent):
            assert page.title and page.source_id and page.live
        again = aides.import_aides(str(path))
        assert again.count(Action.CREATED) == 0
        assert AppelPage.objects.count() == before + created
        transaction.set_rollback(True)


@given(anything | st.sampled_from(["2026-02-29", "20260101", "2026-W01", "0000-01-01"]))
def test_dates_in_files_are_read_or_refused_never_raised(text):
    reader = exchange._Reader.__new__(exchange._Reader)
    day = reader.date(text)
    assert day is None or isinstance(day, date)
    try:
        aides._date(text, "date limite")
    except aides.RecordRefused as reason:
        french_text(f"Ignoré : {reason}")
