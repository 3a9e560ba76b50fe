"""The production server: gunicorn with the repository's gunicorn.conf.py serves pages and static
files, and its access log holds no address, query string, user agent or secret link."""

import os
import re
import runpy
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from gunicorn.config import Config

from django.core.management import call_command

from tests.databases import manage_py_environment, scratch_database, template_database
from website.server_log import safe_path
from website.settings.environment import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"
PERSONAL_ATOMS = ("%(h)s", "%(r)s", "%(q)s", "%(a)s", "%(f)s", "%(u)s", "}i", "}e")


def load_config() -> Config:
    """The file read as gunicorn reads it: every value through gunicorn's own validators."""
    config = Config()
    for name, value in runpy.run_path(str(CONFIG)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_the_configuration_loads_with_loopback_sizing_timeouts_and_worker_recycling(monkeypatch):
    for name in ("WEB_CONCURRENCY", "PORT", "RELAIS_BIND", "RELAIS_GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    config = load_config()
    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == 2 * os.cpu_count() + 1
    assert (config.timeout, config.graceful_timeout) == (30, 30)
    assert config.max_requests == 1000 and config.max_requests_jitter == 100
    assert config.accesslog == "-" and config.preload_app is False


def test_workers_and_timeouts_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("RELAIS_GUNICORN_TIMEOUT", "60")
    config = load_config()
    assert (config.workers, config.bind, config.timeout) == (3, ["127.0.0.1:9000"], 60)


def test_a_malformed_worker_count_stops_with_a_french_line_naming_it(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "trois")
    with pytest.raises(ConfigurationError, match="WEB_CONCURRENCY doit être un nombre entier"):
        load_config()


def test_the_access_log_format_names_no_address_query_agent_or_header():
    log_format = load_config().access_log_format
    assert "%(U)s" in log_format and "%(s)s" in log_format
    assert not [atom for atom in PERSONAL_ATOMS if atom in log_format]


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/", "/"),
        ("/evenements/2026/03/atelier-cv-et-lettre-de-motivation/", None),
        ("/admin/pages/42/edit/", None),
        ("/static/css/relais.3f2a9b8c7d6e.css", None),
        (
            "/compte/invitation/Xq3_kP9vL2mN8rT5wY7zA1bC4dE6fG0hJ2kL4mN6pQ8/",
            "/compte/invitation/…/",
        ),
        (
            "/compte/mot-de-passe/nouveau/MQ/cfr4x2-9f8a7b6c5d4e3f2a1b0c/",
            "/compte/mot-de-passe/nouveau/…/…/",
        ),
        ("/alertes/confirmer/eyJ1IjoxfQ:1uQx2B:Kx9_sig/", "/alertes/confirmer/…/"),
        ("/wiki/desabonnement/abcdefghijklmnopqrstuvwxyzabcdefg/", "/wiki/desabonnement/…/"),
    ],
)
def test_a_path_segment_that_may_be_a_secret_is_masked_in_the_log(path, logged):
    assert safe_path(path) == (logged or path)


# --- The real server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), template_database(tmp_path_factory.mktemp("db")) as database:
        yield database


@pytest.fixture
def server(template, django_db_blocker, tmp_path):
    """gunicorn, one worker, on a free loopback port, over a copy of the test database."""
    with django_db_blocker.unblock(), scratch_database(tmp_path, template) as database:
        # The embedded default caches in the database (the tests' settings in memory).
        call_command("createcachetable", "relais_cache", verbosity=0)
        env = manage_py_environment(database, tmp_path / "donnees")
        env.update(RELAIS_BIND="127.0.0.1:0", WEB_CONCURRENCY="1")
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "website.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            yield process, _listening_address(process)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            process.wait(timeout=40)


def _listening_address(process) -> str:
    lines = []
    for line in process.stdout:
        lines.append(line)
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
        if found:
            return found.group(1)
    raise AssertionError("gunicorn did not start:\n" + "".join(lines) + process.stderr.read())


def fetch(url: str) -> tuple[int, bytes, dict]:
    # The worker loads Django on the first request: seconds on a busy machine.
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (loopback)
        return response.status, response.read(), dict(response.headers)


@pytest.mark.django_db
def test_gunicorn_serves_pages_and_static_files_and_logs_neither_address_nor_query(server):
    process, address = server
    status, body, _headers = fetch(f"{address}/?utm_source=lettre-de-camille")
    assert status == 200 and b"Relais" in body
    status, body, headers = fetch(f"{address}/static/css/relais.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and body
    status, _body, _headers = fetch(f"{address}/recherche/?q=aide+rsa+dominique")
    assert status == 200

    process.send_signal(signal.SIGTERM)
    output, errors = process.communicate(timeout=40)

    assert process.returncode == 0, errors
    access = [line for line in output.splitlines() if '"GET ' in line]
    assert len(access) == 3, output
    assert '"GET / HTTP/1.1" 200' in access[0]
    assert '"GET /static/css/relais.css HTTP/1.1" 200' in access[1]
    assert '"GET /recherche/ HTTP/1.1"' in access[2]
    for secret in ("127.0.0.1", "utm_source", "camille", "dominique", "Python-urllib"):
        assert secret not in "\n".join(access)
    assert "Shutting down: Master" in output
