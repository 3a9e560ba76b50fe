"""Backups of the whole site, and bringing one back.

A backup is one directory, ``relais-AAAAMMJJ-HHMMSS``, written under a hidden temporary name and
renamed once complete: a directory with that name is always whole. It holds

- the database: ``base.sqlite3``, copied by SQLite's online backup API (one read transaction, so
  a consistent copy while the site goes on writing), or ``base.dump``, pg_dump's custom format
  (one snapshot of one transaction);
- ``media.tar``, the media folder (images, documents), taken after the database so that every
  file a row names is already there;
- ``manifest.json``: the date, the engine, the migrations applied (the schema's version) and the
  SHA-256 of every file, each media file included.

The search index is left out: ``update_index`` rebuilds it from the database, and a restore runs
it. A restore checks everything before it touches anything (engine, checksums, migrations the
code does not know), then replaces the database in one transaction and the media folder by a
rename. Backups hold personal data (addresses, password hashes): they are readable by their
owner only.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime
from glob import glob
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from website.progress import Progress

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
DATABASE_FILES = {"sqlite": "base.sqlite3", "postgresql": "base.dump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FORMAT = "relais-sauvegarde-1"
PREFIX = "relais-"
CHUNK = 1024 * 1024
# Where Debian installs each PostgreSQL version's client tools.
PG_INSTALL_DIRS = "/usr/lib/postgresql/*/bin"

# Empties the database's public schema inside the restore's transaction, so that tables a newer
# migration added do not survive a restore of an older backup.
_EMPTY_SCHEMA = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', item.relname);
  END LOOP;
  FOR item IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind = 'S' LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', item.relname);
  END LOOP;
END $$;
"""


class BackupError(Exception):
    """A backup or a restore refused or failed; the message is French and says what to do."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(
            _("Sauvegarde impossible : la base « %(vendor)s » n'est pas prise en charge.")
            % {"vendor": vendor}
        )
    return vendor


def default_output() -> Path:
    return Path(settings.DATA_DIR) / "sauvegardes"


# --- PostgreSQL tools ------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """`name` on the PATH, else the newest one Debian installs under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found

    def major(path: str) -> int:
        version = Path(path).parent.parent.name
        return int(version) if version.isdigit() else 0

    installed = sorted(glob(f"{PG_INSTALL_DIRS}/{name}"), key=major, reverse=True)
    if installed:
        return installed[0]
    raise BackupError(
        _(
            "%(tool)s est introuvable : installez le client PostgreSQL (sous Debian : "
            "apt install postgresql-client) ou ajoutez son dossier au PATH."
        )
        % {"tool": name}
    )


def pg_environment() -> dict[str, str]:
    """libpq's variables for the site's database: the password never shows in a process list."""
    params = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGDATABASE", "NAME"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    options = params.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _tool_failed(tool: str, stderr: bytes | str) -> BackupError:
    text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else stderr
    lines = [line for line in text.strip().splitlines() if line.strip()]
    detail = lines[-1] if lines else _("sans message")
    return BackupError(_("%(tool)s a échoué : %(detail)s") % {"tool": tool, "detail": detail})


# --- Writing a backup ------------------------------------------------------------------------


def _new_name(output: Path, moment: datetime) -> str:
    name = PREFIX + timezone.localtime(moment).strftime("%Y%m%d-%H%M%S")
    candidate, number = name, 1
    while (output / candidate).exists():
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def _copy_sqlite(target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step: the whole copy reads inside one transaction, so it is consistent and is not
        # restarted by the site's writes (in WAL mode they go on meanwhile).
        connection.connection.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_("La copie de la base SQLite est incohérente : sauvegarde annulée."))
    finally:
        copy.close()


def _dump_postgresql(target: Path) -> None:
    done = subprocess.run(  # noqa: S603 - fixed arguments, the tool found above
        [pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"],
        env=pg_environment(),
        capture_output=True,
        check=False,
    )
    if done.returncode:
        raise _tool_failed("pg_dump", done.stderr)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _archive_media(root: Path, target: Path, *, stream=None) -> dict[str, str]:
    files = _media_files(root)
    checksums = {}
    progress = Progress(_("Fichiers"), len(files), stream=stream)
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as archive:
        for path in files:
            name = path.relative_to(root).as_posix()
            checksums[name] = sha256(path)
            archive.add(path, arcname=name, recursive=False)
            progress.advance()
    progress.finish()
    return checksums


def _applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def _sync(directory: Path) -> None:
    for path in directory.iterdir():
        with open(path, "rb") as stream:
            os.fsync(stream.fileno())
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def create(output: Path | None = None, *, stream=None) -> Path:
    """Write a backup into `output` (DATA_DIR/sauvegardes by default); returns its directory."""
    kind = engine()
    output = Path(output or default_output())
    output.mkdir(parents=True, exist_ok=True)
    moment = timezone.now()
    name = _new_name(output, moment)
    partial = output / f".{name}.partiel"
    partial.mkdir(mode=0o700)
    try:
        database = partial / DATABASE_FILES[kind]
        steps = Progress(_("Base de données"), 1, stream=stream)
        migrations = _applied_migrations()
        if kind == "sqlite":
            _copy_sqlite(database)
        else:
            _dump_postgresql(database)
        steps.advance()
        steps.finish()
        media = _archive_media(Path(settings.MEDIA_ROOT), partial / MEDIA_ARCHIVE, stream=stream)
        manifest = {
            "format": FORMAT,
            "created_at": moment.isoformat(),
            "engine": kind,
            "migrations": migrations,
            "files": {
                DATABASE_FILES[kind]: sha256(database),
                MEDIA_ARCHIVE: sha256(partial / MEDIA_ARCHIVE),
            },
            "media": media,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        for path in partial.iterdir():
            path.chmod(0o600)
        _sync(partial)
        final = output / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def complete_backups(output: Path) -> list[Path]:
    """The finished backups in `output`, oldest first (their names sort by date)."""
    if not output.is_dir():
        return []
    return sorted(
        path
        for path in output.iterdir()
        if path.name.startswith(PREFIX) and (path / MANIFEST).is_file()
    )


def prune(output: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups; returns the ones deleted."""
    backups = complete_backups(output)
    removed = backups[: max(len(backups) - keep, 0)]
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- Reading and restoring -------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    manifest: dict

    @property
    def engine(self) -> str:
        return self.manifest["engine"]

    @property
    def database(self) -> Path:
        return self.path / DATABASE_FILES[self.engine]

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["created_at"])

    def describe(self) -> str:
        return _("la sauvegarde du %(date)s (%(engine)s, %(files)s fichiers)") % {
            "date": timezone.localtime(self.created_at).strftime("%d/%m/%Y à %H:%M:%S"),
            "engine": ENGINE_NAMES[self.engine],
            "files": len(self.manifest["media"]),
        }


def _damaged(path: Path, reason: str) -> BackupError:
    return BackupError(
        _("%(path)s n'est pas une sauvegarde utilisable : %(reason)s. Rien n'a été restauré.")
        % {"path": path, "reason": reason}
    )


def read(path: Path) -> Backup:
    """The backup at `path`, its manifest and every checksum checked; refused in French."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise _damaged(path, _("le manifeste (manifest.json) est absent")) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise _damaged(path, _("le manifeste (manifest.json) est illisible")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(path, _("le manifeste n'est pas celui d'une sauvegarde de Relais"))
    try:
        backup = Backup(path, manifest)
        backup.created_at  # noqa: B018 - reading it validates it
        expected = dict(manifest["files"])
        media = dict(manifest["media"])
        migrations = list(manifest["migrations"])
        known_engine = backup.engine in DATABASE_FILES
    except (KeyError, TypeError, ValueError):
        raise _damaged(path, _("le manifeste est incomplet")) from None
    if not known_engine or not all(isinstance(item, str) for item in [*media, *migrations]):
        raise _damaged(path, _("le manifeste est incomplet"))
    if set(expected) != {DATABASE_FILES[backup.engine], MEDIA_ARCHIVE}:
        raise _damaged(path, _("le manifeste ne liste pas la base et les fichiers"))
    for name, checksum in expected.items():
        file = path / name
        if not file.is_file():
            raise _damaged(path, _("le fichier %(name)s manque") % {"name": name})
        if sha256(file) != checksum:
            raise _damaged(
                path,
                _("la somme de contrôle de %(name)s ne correspond pas au manifeste (fichier abîmé)")
                % {"name": name},
            )
    return backup


def target_description() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return _("la base SQLite %(name)s") % {"name": params["NAME"]}
    return _("la base PostgreSQL « %(name)s » sur %(host)s") % {
        "name": params["NAME"],
        "host": params.get("HOST") or "localhost",
    }


def check_restorable(backup: Backup) -> list[str]:
    """Refuses a backup this site cannot take; returns the code's migrations it lacks."""
    if backup.engine != connection.vendor:
        raise BackupError(
            _(
                "Cette sauvegarde contient une base %(backup)s ; ce site utilise %(site)s. "
                "Rien n'a été restauré."
            )
            % {
                "backup": ENGINE_NAMES[backup.engine],
                "site": ENGINE_NAMES.get(connection.vendor, connection.vendor),
            }
        )
    on_disk = {f"{app}.{name}" for app, name in MigrationLoader(None, load=True).disk_migrations}
    unknown = sorted(set(backup.manifest["migrations"]) - on_disk)
    if unknown:
        raise BackupError(
            _(
                "Cette sauvegarde vient d'une version plus récente de Relais (migrations "
                "inconnues ici : %(names)s) : mettez le code à jour avant de la restaurer. "
                "Rien n'a été restauré."
            )
            % {"names": ", ".join(unknown[:5]) + ("…" if len(unknown) > 5 else "")}
        )
    return sorted(on_disk - set(backup.manifest["migrations"]))


def _extract_media(backup: Backup, staging: Path, *, stream=None) -> None:
    expected = backup.manifest["media"]
    progress = Progress(_("Fichiers"), len(expected), stream=stream)
    with tarfile.open(backup.path / MEDIA_ARCHIVE) as archive:
        for member in archive:
            # The "data" filter refuses absolute paths, "..", links outside and device files.
            archive.extract(member, staging, filter="data")
            progress.advance()
    progress.finish()
    found = {path.relative_to(staging).as_posix(): path for path in _media_files(staging)}
    if set(found) != set(expected) or any(
        sha256(path) != expected[name] for name, path in found.items()
    ):
        raise _damaged(
            backup.path, _("les fichiers de media.tar ne correspondent pas au manifeste")
        )


def _replace_directory(target: Path, staging: Path) -> None:
    if target.is_dir() and os.path.ismount(target):
        # Shared storage mounted there: the mount point stays, its content is replaced.
        for child in target.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        for child in staging.iterdir():
            shutil.move(child, target / child.name)
        staging.rmdir()
        return
    previous = target.with_name(f".{target.name}.avant-restauration")
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def _restore_sqlite(backup: Backup) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{backup.database}?mode=ro", uri=True)
    try:
        # Through SQLite itself rather than a file copy: locks, the WAL and other processes'
        # connections stay right, and the replacement is one transaction.
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()


def _restore_postgresql(backup: Backup) -> None:
    env = pg_environment()
    connections.close_all()
    script = subprocess.Popen(  # noqa: S603 - fixed arguments, the tool found above
        [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(backup.database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    # One transaction for emptying and refilling: a failure leaves the database as it was.
    done = subprocess.run(  # noqa: S603
        [
            pg_tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            f"--command={_EMPTY_SCHEMA}",
            "--file=-",
        ],
        stdin=script.stdout,
        capture_output=True,
        env=env,
        check=False,
    )
    script.stdout.close()
    script_errors = script.stderr.read()
    script.wait()
    if script.returncode:
        raise _tool_failed("pg_restore", script_errors)
    if done.returncode:
        raise _tool_failed("psql", done.stderr)


def restore(backup: Backup, *, stream=None) -> None:
    """Replace the database and the media folder by the backup's (checked by `read`)."""
    media_root = Path(settings.MEDIA_ROOT)
    staging = media_root.with_name(f".{media_root.name}.restauration")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _extract_media(backup, staging, stream=stream)
        steps = Progress(_("Base de données"), 1, stream=stream)
        if backup.engine == "sqlite":
            _restore_sqlite(backup)
        else:
            _restore_postgresql(backup)
        steps.advance()
        steps.finish()
        _replace_directory(media_root, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # A backup of a site on another cache has no cache table; the cache may hold pages and
    # counts of the database just replaced.
    call_command("createcachetable", verbosity=0)
    cache.clear()
