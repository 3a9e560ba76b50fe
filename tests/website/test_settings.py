"""Production start-up: a full, valid environment passes `check --deploy` without a warning;
a missing or malformed variable stops it with one line that names the variable.

Each case is a real `manage.py check --deploy` process with production settings, run in
parallel once for the module.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DB_PASSWORD = "s3cr3t-du-serveur"

VALID = {
    "DJANGO_SETTINGS_MODULE": "website.settings.production",
    "DJANGO_SECRET_KEY": "Jq7-v0u9xq3Kz1p8Lr5mW2nB6cT4yH0aS3dF7gE9hR1kV5jU8iO2lP6wQ4zX0bN",
    "DJANGO_ALLOWED_HOSTS": "relais.example.org",
    "RELAIS_BASE_URL": "https://relais.example.org",
    "DATABASE_URL": f"postgres://relais:{DB_PASSWORD}@db.example.org:5432/relais",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "true",
    "DEFAULT_FROM_EMAIL": "Relais <ne-pas-repondre@relais.example.org>",
}
MISSING = None

BAD = {
    "secret-key-missing": ("DJANGO_SECRET_KEY", MISSING),
    "secret-key-too-short": ("DJANGO_SECRET_KEY", "trop-courte"),
    "secret-key-django-insecure": ("DJANGO_SECRET_KEY", "django-insecure-" + "a1b2c3d4e5" * 5),
    "allowed-hosts-missing": ("DJANGO_ALLOWED_HOSTS", MISSING),
    "allowed-hosts-empty": ("DJANGO_ALLOWED_HOSTS", " , "),
    "allowed-hosts-url": ("DJANGO_ALLOWED_HOSTS", "https://relais.example.org"),
    "allowed-hosts-anything": ("DJANGO_ALLOWED_HOSTS", "*"),
    "base-url-missing": ("RELAIS_BASE_URL", MISSING),
    "base-url-plain-http": ("RELAIS_BASE_URL", "http://relais.example.org"),
    "database-mysql": ("DATABASE_URL", f"mysql://relais:{DB_PASSWORD}@db.example.org/relais"),
    "database-not-a-url": ("DATABASE_URL", "not a url"),
    "database-scheme-typo": ("DATABASE_URL", f"postgres//relais:{DB_PASSWORD}@db/relais"),
    "database-port-not-a-number": (
        "DATABASE_URL",
        f"postgres://relais:{DB_PASSWORD}@db:cinq/relais",
    ),
    "database-broken-ipv6": ("DATABASE_URL", f"postgres://relais:{DB_PASSWORD}@[::1/relais"),
    "email-port-abc": ("EMAIL_PORT", "abc"),
    "tasks-backend-celery": ("RELAIS_TASKS_BACKEND", "celery"),
    "hsts-preload-maybe": ("DJANGO_HSTS_PRELOAD", "peut-être"),
    "hsts-seconds-negative": ("DJANGO_HSTS_SECONDS", "-1"),
    "boolean-with-a-newline": ("DJANGO_SECURE_SSL_REDIRECT", "oui\nnon"),
    "redis-memcached": ("REDIS_URL", "memcached://cache.example.org:11211"),
    "session-too-short": ("RELAIS_SESSION_SECONDS", "10"),
    "allowed-hosts-with-a-comment": ("DJANGO_ALLOWED_HOSTS", "relais.example.org  # obligatoire"),
    "log-level-loud": ("RELAIS_LOG_LEVEL", "LOUD"),
    "csrf-origin-without-scheme": ("DJANGO_CSRF_TRUSTED_ORIGINS", "relais.example.org"),
    "map-tiles-plain-http": ("RELAIS_MAP_TILES_URL", "http://tiles.example.org/{z}/{x}/{y}.png"),
    "admins-not-an-address": ("DJANGO_ADMINS", "équipe technique"),
}


def _environment(environment: dict[str, str | None]) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "RELAIS_", "DATABASE_", "EMAIL_", "REDIS_", "DEFAULT_FROM")
        )
    }
    environment = {key: value for key, value in environment.items() if value is not MISSING}
    return {**inherited, **environment}


def run_check(environment: dict[str, str | None]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_environment(environment),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def results():
    cases = {"valid": VALID} | {case: {**VALID, name: value} for case, (name, value) in BAD.items()}
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        done = dict(zip(cases, pool.map(run_check, cases.values()), strict=True))
    return done


def test_a_full_valid_production_environment_passes_the_deploy_checks_without_a_warning(results):
    result = results["valid"]

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


@pytest.mark.parametrize("case", list(BAD))
def test_a_missing_or_malformed_variable_stops_start_up_with_one_line_naming_it(results, case):
    variable = BAD[case][0]
    result = results[case]

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration invalide : ")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr
    assert DB_PASSWORD not in result.stderr


def test_the_example_environment_file_loads_in_a_shell_and_passes_the_deploy_checks():
    # .env.example is what people copy: it must load as written, and with a secret key added
    # describe a production the deploy checks accept.
    shell = subprocess.run(
        ["bash", "-c", "set -a; . ./.env.example; set +a; env -0"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = dict(line.split("=", 1) for line in shell.stdout.split("\0") if "=" in line)
    assert loaded["DEFAULT_FROM_EMAIL"] == "Relais <ne-pas-repondre@relais.example.org>"
    assert loaded["DJANGO_ALLOWED_HOSTS"] == "relais.example.org"
    example = {key: value for key, value in loaded.items() if key in _example_names()}
    result = run_check({**example, "DJANGO_SECRET_KEY": VALID["DJANGO_SECRET_KEY"]})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def _example_names() -> set[str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


def test_gunicorn_stops_with_the_line_instead_of_restarting_workers_forever():
    # A worker that exits with an ordinary error is restarted by gunicorn in a loop; the WSGI
    # module turns a configuration error into gunicorn's "failed to boot", which halts it.
    # With the repository's gunicorn.conf.py (gunicorn reads it from the working directory
    # anyway), whose logs go to standard output, and one worker.
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "website.wsgi"],
        cwd=ROOT,
        env=_environment(
            {
                **VALID,
                "DJANGO_SECRET_KEY": MISSING,
                "WEB_CONCURRENCY": "1",
                "RELAIS_BIND": "127.0.0.1:0",
            }
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "Configuration invalide : DJANGO_SECRET_KEY" in output
    assert "Worker failed to boot" in output
    assert output.count("Booting worker") == 1
