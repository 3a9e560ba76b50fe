"""Databases that other processes can open: for tests that run manage.py in a subprocess or
kill forked processes.

The test database cannot serve: on SQLite it lives in this process's memory, and on either engine
each test's writes stay in a transaction that is rolled back. A scratch database is a copy of it
(migrated, with setup_site's site, in a fraction of a second instead of a minute of migrations),
put in place of the default connection while a test runs, every write committed.
"""

import os
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from django.conf import settings
from django.db import connections

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"


@dataclass
class Database:
    settings_dict: dict

    @property
    def vendor(self) -> str:
        return "sqlite" if "sqlite" in self.settings_dict["ENGINE"] else "postgresql"

    @property
    def url(self) -> str:
        """DATABASE_URL for a subprocess."""
        params = self.settings_dict
        if self.vendor == "sqlite":
            return f"sqlite:///{params['NAME']}"
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        port = f":{params['PORT']}" if params.get("PORT") else ""
        host = params.get("HOST") or "localhost"
        return f"postgres://{params['USER']}{password}@{host}{port}/{params['NAME']}"


def _admin_connection(params: dict):
    """A connection to the server's maintenance database, to create and drop databases."""
    return psycopg.connect(
        dbname="postgres",
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    )


def _drop_postgresql(params: dict, name: str) -> None:
    with _admin_connection(params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy_sqlite(source, path: Path) -> None:
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        copy.close()


def _create_postgresql(params: dict, name: str, template: str) -> None:
    _drop_postgresql(params, name)
    with _admin_connection(params) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {template}')


@contextmanager
def template_database(directory: Path):
    """A committed copy of the test database, made once per module, before any test opens its
    transaction (a copy needs the test database at rest)."""
    test_connection = connections["default"]
    params = dict(test_connection.settings_dict)
    if test_connection.vendor == "sqlite":
        test_connection.ensure_connection()
        path = directory / "modele.sqlite3"
        _copy_sqlite(test_connection.connection, path)
        params["NAME"] = str(path)
    else:
        # CREATE DATABASE … TEMPLATE needs the template free of other sessions.
        test_connection.close()
        name = f"{params['NAME']}_modele"[:63]
        _create_postgresql(params, name, f'"{params["NAME"]}"')
        params["NAME"] = name
    try:
        yield Database(params)
    finally:
        if test_connection.vendor != "sqlite":
            _drop_postgresql(params, params["NAME"])


@contextmanager
def scratch_database(directory: Path, template: Database | None, *, suffix: str = "scratch"):
    """A copy of `template` (None: a database with nothing in it), in place of the default
    connection inside the block, every write committed."""
    params = dict(connections["default"].settings_dict)
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        path = directory / f"{suffix}.sqlite3"
        if template is not None:
            source = sqlite3.connect(template.settings_dict["NAME"])
            try:
                _copy_sqlite(source, path)
            finally:
                source.close()
        params["NAME"] = str(path)
    else:
        name = f"{template.settings_dict['NAME'] if template else params['NAME']}_{suffix}"[:63]
        _create_postgresql(
            params, name, f'"{template.settings_dict["NAME"]}"' if template else "template0"
        )
        params["NAME"] = name
    try:
        with using(Database(params)):
            yield Database(params)
    finally:
        if vendor != "sqlite":
            _drop_postgresql(params, params["NAME"])


@contextmanager
def using(database: Database):
    """The default connection points at `database` inside the block."""
    previous = connections["default"]
    swapped = previous.__class__(dict(database.settings_dict), alias="default")
    connections["default"] = swapped
    try:
        yield
    finally:
        swapped.close()
        connections["default"] = previous


def manage_py_environment(database: Database, data_dir: Path) -> dict[str, str]:
    """The environment of a manage.py subprocess on `database`, with its files in `data_dir`
    (media, search index), as a separate machine would have them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "RELAIS_", "DATABASE_", "PYTEST", "SEARCH_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.dev",
        DATABASE_URL=database.url,
        RELAIS_DATA_DIR=str(data_dir),
        DJANGO_MEDIA_ROOT=str(data_dir / "media"),
        DJANGO_SECRET_KEY="test-only-key-not-for-production-0123456789-abcdefghijklmnop",
    )
    return env


def manage_py(*args: str) -> list[str]:
    return [sys.executable, str(MANAGE_PY), *args]
