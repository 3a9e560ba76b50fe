"""backup and restore: the drill (content of every kind backed up, restored on an empty machine,
compared row by row and file by file, found again by search), and the refusals.

Each runs on the engine the suite runs on (SQLite, then PostgreSQL in CI), on a scratch database
that the restore subprocess can open (tests/databases.py).
"""

import hashlib
import io
import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import wagtail_factories

from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage
from bilans.factories import ActionFactory, BilanPageFactory
from bilans.models import BilanIndexPage
from ressources.factories import RessourcePageFactory
from ressources.models import Comment, Follow, RessourceIndexPage, RessourcePage
from structures.factories import LieuPageFactory, NewsPageFactory, StructurePageFactory
from structures.models import StructureIndexPage
from tests.databases import manage_py, manage_py_environment, scratch_database, template_database
from veille.factories import AppelPageFactory
from veille.models import VeilleIndexPage
from website import backups
from website.factories import UserFactory
from website.models import RelaisDocument, RelaisImage

# The test database is set up (and left untouched: the tests work on scratch copies of it).
pytestmark = pytest.mark.django_db

# What is not the site's data: the cache (emptied by a restore).
NOT_DATA = {"relais_cache"}
WORD = "passerelle"  # a word only the drill's resource holds, to find it by search


@pytest.fixture(scope="module")
def template(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), template_database(tmp_path_factory.mktemp("db")) as database:
        yield database


@pytest.fixture
def scratch(template, tmp_path, settings, django_db_blocker):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock(), scratch_database(tmp_path, template) as database:
        yield database


def build_network() -> dict:
    """A few rows of every kind, with revisions, a comment, a follow and files."""
    author = UserFactory(username="nadia")
    reader = UserFactory(username="bastien")
    structure = StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Régie Est")
    lieu = LieuPageFactory(parent=structure, title="Espace numérique de la Régie")
    NewsPageFactory(parent=structure, title="La Régie ouvre le samedi")
    event = EventPageFactory(
        parent=AgendaPage.objects.get(), start=timezone.now() + timedelta(days=3)
    )
    ressource = RessourcePageFactory(
        parent=RessourceIndexPage.objects.get(), title="Accompagner une première démarche"
    )
    for summary in ("Première version.", f"Seconde version, avec la {WORD} vers la CAF."):
        ressource.summary = summary
        ressource.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    for page in (structure, lieu, event):
        page.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    Comment.objects.create(page=ressource, author=reader, body="Merci, très utile.")
    Follow.objects.create(user=reader, page=ressource)
    AppelPageFactory(parent=VeilleIndexPage.objects.get(), title="Appel Inclusion 2027")
    bilan = BilanPageFactory(parent=BilanIndexPage.objects.get())
    ActionFactory(bilan=bilan, structure=structure, description="Ouvrir un créneau du soir")
    ActionFactory(bilan=bilan, description="Relancer la mairie")
    wagtail_factories.ImageFactory(title="Façade de la Régie")
    document = RelaisDocument(title="Guide de la permanence")
    document.file.save("guide.txt", ContentFile(b"Venir avec ses identifiants."))
    return {"ressource": ressource}


def tables(cursor) -> dict[str, list]:
    """Every row of every table, sorted, through the default connection."""
    found = {}
    for table in sorted(set(connection.introspection.table_names(cursor)) - NOT_DATA):
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        found[table] = sorted(cursor.fetchall(), key=repr)
    if connection.vendor == "postgresql":
        # A restored sequence behind its table would hand out ids already taken.
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
        found["(sequences)"] = cursor.fetchall()
    return found


def snapshot() -> dict[str, list]:
    with connection.cursor() as cursor:
        return tables(cursor)


def files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.search
def test_the_drill_a_backup_restored_on_an_empty_machine_gives_back_every_row_file_and_search(
    scratch, tmp_path, settings
):
    build_network()
    before = snapshot()
    assert before["wagtailcore_revision"] and before["ressources_comment"]
    assert len(before["bilans_action"]) == 2 and before["ressources_follow"]
    source_files = files(settings.MEDIA_ROOT)
    assert any(name.startswith("documents/") for name in source_files)
    assert any(name.startswith("original_images/") for name in source_files)

    call_command("backup", output=tmp_path / "sauvegardes", stdout=io.StringIO())
    [backup] = backups.complete_backups(tmp_path / "sauvegardes")

    machine = tmp_path / "machine"  # nothing there: no database file, no media, no index
    with scratch_database(tmp_path, None, suffix="restored") as restored:
        done = subprocess.run(
            manage_py("restore", str(backup), "--noinput"),
            env=manage_py_environment(restored, machine),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "l'index de recherche a été reconstruit" in done.stdout

        assert snapshot() == before
        assert files(machine / "media") == source_files

        settings.WAGTAILSEARCH_BACKENDS = {
            "default": {
                **settings.WAGTAILSEARCH_BACKENDS["default"],
                "PATH": str(machine / "search"),
            }
        }
        found = RessourcePage.objects.live().search(WORD)
        assert [page.title for page in found] == ["Accompagner une première démarche"]
        page = Client(HTTP_HOST="localhost").get("/recherche/", {"q": WORD})
        assert "Accompagner une première démarche" in page.content.decode()


def test_restoring_over_a_changed_site_brings_back_the_day_of_the_backup(
    scratch, tmp_path, settings
):
    network = build_network()
    before, source_files = snapshot(), files(settings.MEDIA_ROOT)
    call_command("backup", output=tmp_path / "sauvegardes", stdout=io.StringIO())
    [backup] = backups.complete_backups(tmp_path / "sauvegardes")

    Comment.objects.create(page=network["ressource"], body="Écrit après la sauvegarde.")
    network["ressource"].delete()
    RelaisImage.objects.get().file.delete(save=False)
    (Path(settings.MEDIA_ROOT) / "documents" / "ajout.txt").write_text("après")

    call_command("restore", str(backup), "--noinput", stdout=io.StringIO())

    assert snapshot() == before
    assert files(settings.MEDIA_ROOT) == source_files


def test_a_backup_is_one_dated_directory_readable_by_its_owner_only_and_quiet_in_cron(
    scratch, tmp_path
):
    quiet = io.StringIO()
    for _ in range(3):
        call_command("backup", output=tmp_path / "sauvegardes", keep=2, stdout=quiet)
    assert quiet.getvalue() == ""
    kept = backups.complete_backups(tmp_path / "sauvegardes")
    assert len(kept) == 2
    assert sorted(path.name for path in (tmp_path / "sauvegardes").iterdir()) == [
        path.name for path in kept
    ]
    backup = kept[-1]
    assert backup.name.startswith("relais-")
    assert backup.stat().st_mode & 0o077 == 0
    assert all(path.stat().st_mode & 0o077 == 0 for path in backup.iterdir())
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert "wagtailcore.0001_initial" in manifest["migrations"]
    assert set(manifest["files"]) == {backups.DATABASE_FILES[connection.vendor], "media.tar"}

    told = io.StringIO()
    call_command("backup", output=tmp_path / "sauvegardes", verbosity=2, stdout=told)
    assert "Sauvegarde écrite : " in told.getvalue()
    with pytest.raises(CommandError, match="--keep doit valoir au moins 1"):
        call_command("backup", output=tmp_path / "sauvegardes", keep=0)


@pytest.fixture
def backup(scratch, tmp_path, settings):
    (Path(settings.MEDIA_ROOT) / "documents").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "documents" / "compte-rendu.txt").write_text("Réunion.")
    call_command("backup", output=tmp_path / "sauvegardes", stdout=io.StringIO())
    [path] = backups.complete_backups(tmp_path / "sauvegardes")
    return path


def rewrite_manifest(backup: Path, change) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    change(manifest)
    (backup / "manifest.json").write_text(json.dumps(manifest))


def refused(*args, answer: str | None = None, monkeypatch=None) -> str:
    if answer is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(answer + "\n"))
    with pytest.raises(CommandError) as error:
        call_command("restore", *map(str, args), stdout=io.StringIO())
    return str(error.value)


def test_a_damaged_backup_is_refused_in_french_and_nothing_is_touched(backup, settings):
    before = snapshot()
    archive = backup / "media.tar"
    data = bytearray(archive.read_bytes())
    data[600] ^= 0xFF
    archive.write_bytes(bytes(data))
    message = refused(backup, "--noinput")
    assert "la somme de contrôle de media.tar ne correspond pas au manifeste" in message
    assert "Rien n'a été restauré" in message
    (backup / "manifest.json").write_text("{pas du json")
    assert "manifeste (manifest.json) est illisible" in refused(backup, "--noinput")
    assert "manifeste (manifest.json) est absent" in refused(backup.parent, "--noinput")
    assert snapshot() == before
    assert (Path(settings.MEDIA_ROOT) / "documents" / "compte-rendu.txt").exists()


def test_a_backup_of_the_other_engine_or_a_newer_relais_is_refused_in_french(backup):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    rewrite_manifest(backup, lambda m: m["migrations"].append("veille.9999_plus_tard"))
    message = refused(backup, "--noinput")
    assert "version plus récente de Relais" in message
    assert "veille.9999_plus_tard" in message

    mine, theirs = backups.DATABASE_FILES[connection.vendor], backups.DATABASE_FILES[other]
    (backup / mine).rename(backup / theirs)

    def other_engine(manifest):
        manifest["engine"] = other
        manifest["files"][theirs] = manifest["files"].pop(mine)

    rewrite_manifest(backup, other_engine)
    message = refused(backup, "--noinput")
    assert f"contient une base {backups.ENGINE_NAMES[other]}" in message
    assert f"ce site utilise {backups.ENGINE_NAMES[connection.vendor]}" in message


def test_restoring_asks_for_confirmation_and_anything_but_oui_changes_nothing(backup, monkeypatch):
    UserFactory(username="apres-la-sauvegarde")
    before = snapshot()
    assert "Restauration annulée : rien n'a été modifié" in refused(
        backup, answer="non", monkeypatch=monkeypatch
    )
    assert snapshot() == before


def test_without_the_postgresql_client_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backups, "PG_INSTALL_DIRS", str(tmp_path / "*" / "bin"))
    with pytest.raises(backups.BackupError) as error:
        backups.pg_tool("pg_dump")
    assert str(error.value) == (
        "pg_dump est introuvable : installez le client PostgreSQL (sous Debian : apt install "
        "postgresql-client) ou ajoutez son dossier au PATH."
    )
    tool = tmp_path / "16" / "bin" / "pg_restore"
    tool.parent.mkdir(parents=True)
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    assert backups.pg_tool("pg_restore") == str(tool)
