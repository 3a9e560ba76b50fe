"""import_lieux streams its file: a batch of records in memory at a time, whatever the file's size."""

import csv
import datetime
import io
import json
import tracemalloc

import pytest
import time_machine

from django.core.management import call_command

from structures import exchange
from structures.exchange import import_records, read_path
from structures.models import LieuPage
from website.imports import Action

NOW = datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)
COLUMNS = [
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "adresse",
    "date_maj",
    "source",
    "services",
    "presentation_resume",
    "latitude",
    "longitude",
]


def place(number: int, **values) -> dict:
    return {
        "id": f"lieu-{number:05d}",
        "pivot": "00000000000000",
        "nom": f"Espace numérique n° {number}",
        "commune": "Chambéry",
        "code_postal": "73000",
        "adresse": f"{number} avenue de la République",
        "date_maj": "2026-03-01",
        "source": "Réseau test",
        "services": "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",
        "presentation_resume": "Accueil sans rendez-vous, ordinateurs en accès libre. " * 3,
        "latitude": 45.5646 + number % 7 / 1000,
        "longitude": 5.9178 + number % 5 / 1000,
        **values,
    }


def places_file(tmp_path, fmt: str, count: int, **values):
    """A file of `count` places, written one record at a time."""
    path = tmp_path / f"lieux-{count}.{fmt}"
    with path.open("w", encoding="utf-8", newline="") as stream:
        if fmt == "csv":
            writer = csv.DictWriter(stream, fieldnames=COLUMNS)
            writer.writeheader()
            for number in range(count):
                writer.writerow(place(number, **values))
        else:
            stream.write("[")
            for number in range(count):
                stream.write(("," if number else "") + json.dumps(place(number, **values)))
            stream.write("]")
    return path


def peak_memory(path) -> int:
    """The most memory (bytes) the import of `path` held at once, its report lines counted."""
    lines = 0

    def count(_line: str) -> None:
        nonlocal lines
        lines += 1

    tracemalloc.start()
    try:
        report = import_records(read_path(path), report_sink=count)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines == report.count(Action.SKIPPED)
    return peak


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_file_ten_times_larger_is_imported_in_the_same_memory(home, tmp_path, fmt):
    # Each record is read, checked and reported like any other, then refused for its date, so
    # that what is measured is the file's reading and the report, not thousands of page writes
    # (the writes hold nothing from one record to the next: see the test below).
    small = places_file(tmp_path, fmt, 1_000, date_maj="hier")
    large = places_file(tmp_path, fmt, 10_000, date_maj="hier")

    small_peak = peak_memory(small)
    large_peak = peak_memory(large)

    # Read whole, the large file would need ten times the small one's memory; streamed, both
    # need about one batch of records (and the site's vocabularies, loaded once).
    grown = large.stat().st_size - small.stat().st_size
    assert large_peak < small_peak * 1.2, (small_peak, large_peak)
    assert large_peak - small_peak < grown / 20, (grown, small_peak, large_peak)


def test_records_are_written_a_batch_at_a_time_and_reported_as_each_batch_ends(
    home, tmp_path, monkeypatch
):
    monkeypatch.setattr(exchange, "CHUNK_SIZE", 4)
    path = places_file(tmp_path, "csv", 9)
    # In the third batch: an id met in the first, and a point 80 km from the places written
    # by the first two batches.
    with path.open("a", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writerow(place(2, nom="Doublon"))
        writer.writerow(place(10, latitude=46.2, longitude=6.1))
    out = io.StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("import_lieux", str(path), stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 1 + 11 + 1  # the fallback structure's note, a line per record, the total
    assert "créée pour accueillir les lieux sans structure" in lines[0]
    assert [line.split(",")[0] for line in lines[1:12]] == [
        f"Ligne {number}" for number in range(2, 13)
    ]
    assert "déjà rencontré plus haut dans le fichier" in lines[10]
    assert (
        "coordonnées à 7" in lines[11] and "km des autres lieux du code postal 73000" in lines[11]
    )
    assert lines[-1].startswith("11 enregistrements lus, 10 créés, 0 mis à jour, 0 inchangé")
    assert "1 ignoré, 1 à vérifier" in lines[-1]
    assert LieuPage.objects.filter(identifiant__startswith="Réseau test:").count() == 10


def test_json_nested_without_end_is_refused_without_exhausting_memory(home, tmp_path):
    path = tmp_path / "profond.json"
    path.write_text("[" * 200_000)

    tracemalloc.start()
    try:
        with pytest.raises(exchange.FileRefused, match="JSON illisible"):
            read_path(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 20 * 1024 * 1024
