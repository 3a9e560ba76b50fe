"""`import_aides` reads the Aides-territoires API format from fixture files (nothing calls the
network): pages followed by `next`, one call per record found again by its id, provenance kept,
bad records skipped with their reason, never half a record, and a dry run that saves nothing."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest

from django.core.management import CommandError, call_command

from veille.aides import import_aides
from veille.models import AppelKind, AppelPage, Funder, FunderKind, Recurrence, Scope, Source

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_1 = str(FIXTURES / "aides_page1.json")


def run(source: str = PAGE_1, *args) -> str:
    out = StringIO()
    call_command("import_aides", source, *args, stdout=out)
    return out.getvalue()


def test_records_become_calls_with_their_provenance(veille):
    output = run()
    assert (
        "8 enregistrements lus, 3 créés, 0 mis à jour, 0 inchangés, 5 ignorés, 2 à vérifier"
        in output
    )
    inclusion = AppelPage.objects.get(source_id="101")
    assert inclusion.live and inclusion.get_parent().pk == veille.pk
    assert inclusion.source == Source.AIDES_TERRITOIRES
    assert inclusion.source_url == (
        "https://aides-territoires.beta.gouv.fr/aides/soutenir-linclusion-numerique-dans-les-territoires/"
    )
    assert inclusion.source_updated_at.isoformat() == "2026-10-01T07:30:00+00:00"
    assert inclusion.kind == AppelKind.CALL_FOR_PROJECTS
    assert (inclusion.opening_date, inclusion.deadline) == (date(2026, 9, 1), date(2026, 11, 30))
    assert (inclusion.rate_min, inclusion.rate_max) == (20, 80)
    assert (inclusion.scope, inclusion.perimeter) == (Scope.REGION, "Auvergne-Rhône-Alpes")
    assert [theme.slug for theme in inclusion.themes.all()] == ["inclusion-numerique"]
    assert sorted(term.code for term in inclusion.terms.all()) == ["ASSO", "MUNI"]
    assert {funder.kind for funder in inclusion.funders.all()} == {
        FunderKind.STATE,
        FunderKind.REGION,
    }
    # The source's HTML is reduced to what rich text allows.
    assert "<b>ateliers</b>" in inclusion.description
    assert "script" not in inclusion.description and "javascript" not in inclusion.description
    assert "<p>Structures de médiation numérique" in inclusion.eligibility
    caf = AppelPage.objects.get(source_id="102")
    assert caf.recurrence == Recurrence.PERMANENT and caf.kind == AppelKind.STANDING_GRANT
    assert caf.rate_max is None  # 150 % is not a rate
    assert Funder.objects.get(name__startswith="Caisse").kind == FunderKind.CAF
    prize = AppelPage.objects.get(source_id="106")
    assert prize.kind == AppelKind.PRIZE and prize.official_url == ""


def test_each_bad_record_is_skipped_with_its_reason(veille):
    output = run()
    assert (
        "Page 1, enregistrement 3, sans nom : ignoré. Ignoré : il n'a pas d'identifiant" in output
    )
    assert (
        "Appel aux dates inversées (103) : ignoré. Ignoré : sa date limite précède son ouverture"
        in output
    )
    assert "Ignoré : date limite illisible (« 31/11/2026 »)" in output
    assert (
        "Page 2, enregistrement 3, sans nom : ignoré. Ignoré : l'enregistrement n'est pas un objet JSON"
        in output
    )
    assert "enregistrement 4, 105 : ignoré. Ignoré : il n'a pas de nom" in output
    assert "taux « 150 » hors de 0 à 100, non gardé" in output
    assert "lien officiel invalide, non gardé : pas une adresse" in output
    assert not AppelPage.objects.filter(source_id__in=["103", "104", "105"]).exists()
    # A skipped record leaves nothing behind, not even the funder it named first.
    assert Funder.objects.filter(name="Fondation Exemple").count() == 1


def test_a_second_import_changes_nothing_and_an_update_updates_in_place(veille):
    run()
    pages = AppelPage.objects.count()
    assert "0 créés, 0 mis à jour, 3 inchangés" in run()
    assert AppelPage.objects.count() == pages
    output = run(str(FIXTURES / "aides_page1_updated.json"))
    assert "1 mis à jour" in output
    updated = AppelPage.objects.get(source_id="101")
    assert updated.title.endswith("(session 2)") and updated.deadline == date(2027, 1, 31)
    assert updated.recurrence == Recurrence.RECURRING
    assert [funder.name for funder in updated.funders.all()] == [
        "Agence nationale de la cohésion des territoires (ANCT)"
    ]
    assert AppelPage.objects.count() == pages


def test_a_dry_run_reports_everything_and_saves_nothing(veille):
    output = run(PAGE_1, "--dry-run")
    assert "3 créés" in output and "Essai à blanc : rien n'a été enregistré." in output
    assert not AppelPage.objects.exists() and not Funder.objects.exists()


def test_a_record_that_breaks_a_rule_of_the_page_is_skipped_whole(veille, tmp_path):
    source = tmp_path / "aides.json"
    source.write_text(
        json.dumps(
            {
                "results": [
                    {
                        "id": 201,
                        "name": "Appel au pré-dépôt tardif",
                        "financers": ["Financeur fantôme"],
                        "predeposit_date": "2026-12-20",
                        "submission_deadline": "2026-12-01",
                    },
                    {"id": 202, "name": "Appel correct", "submission_deadline": "2026-12-01"},
                ],
                "next": None,
            }
        )
    )
    output = run(str(source))
    assert "son pré-dépôt vient après sa date limite" in output
    assert list(AppelPage.objects.values_list("source_id", flat=True)) == ["202"]
    assert not Funder.objects.filter(name="Financeur fantôme").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{pas du json", "n'est pas du JSON lisible"),
        (b'{"resultats": []}', "n'a pas la forme de l'API Aides-territoires"),
        (b"\xff\xfe\x00", "n'est pas du JSON lisible"),
    ],
)
def test_unreadable_sources_are_refused_in_french(veille, tmp_path, content, message):
    source = tmp_path / "aides.json"
    source.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(source))
    with pytest.raises(CommandError, match="n'existe pas"):
        run(str(tmp_path / "absent.json"))


def test_next_links_that_leave_the_folder_or_loop_are_not_followed(veille, tmp_path):
    (tmp_path / "a.json").write_text(
        json.dumps({"results": [{"id": 1, "name": "Un"}], "next": "b.json"})
    )
    (tmp_path / "b.json").write_text(
        json.dumps({"results": [{"id": 2, "name": "Deux"}], "next": "a.json"})
    )
    (tmp_path / "c.json").write_text(json.dumps({"results": [], "next": "../../etc/passwd"}))
    report = import_aides(str(tmp_path / "a.json"))
    assert report.count("created") == 2
    assert "déjà lue" in " ".join(report.notes)
    assert "hors du dossier" in " ".join(import_aides(str(tmp_path / "c.json")).notes)


def test_each_page_is_saved_as_it_is_read_so_a_refused_page_loses_none_before(veille, tmp_path):
    (tmp_path / "a.json").write_text(
        json.dumps({"results": [{"id": 1, "name": "Un"}], "next": "b.json"})
    )
    (tmp_path / "b.json").write_text("{pas du json")
    with pytest.raises(CommandError, match="n'est pas du JSON lisible"):
        run(str(tmp_path / "a.json"))
    assert list(AppelPage.objects.values_list("source_id", flat=True)) == ["1"]
    (tmp_path / "b.json").write_text(json.dumps({"results": [{"id": 2, "name": "Deux"}]}))
    report = import_aides(str(tmp_path / "a.json"))
    assert (report.count("unchanged"), report.count("created")) == (1, 1)
    assert AppelPage.objects.count() == 2
