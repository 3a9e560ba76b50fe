"""`make loadtest`: Relais under load on the loopback, behind gunicorn with gunicorn.conf.py.

1. A fresh database (SQLite under var/loadtest/, or PostgreSQL when DATABASE_URL names one:
   a database of its own beside it), with the demo network.
2. `--visitors` people browse the public pages (every page of the sitemap, the agenda, the
   directory, searches) for `--seconds`: no error allowed; p50/p95 reported.
3. Then `--writers` members propose events through the front-end form and as many edit a
   resource each in Wagtail's editor, all at the same moment (a barrier), `--rounds` times:
   every write must be there afterwards, once, and no request may fail ("database is locked"
   included).

Prints a table and writes the figures as JSON in var/loadtest/. Exits with an error when
anything failed. Not a test: pytest does not collect this folder's modules.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from tests.load import network
from tests.load.browser import Browser

LOCKED = "database is locked"
SEARCHES = ["numérique", "atelier", "CAF", "smartphone", "démarches en ligne", "bénévole"]
LISTINGS = ["/", "/recherche/?q=ordinateur", "/sitemap.xml"]


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.load")
    parser.add_argument("--seconds", type=float, default=60, help="durée de la navigation")
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--writers", type=int, default=20, help="proposants, et autant d'éditeurs")
    parser.add_argument("--rounds", type=int, default=3, help="écritures simultanées par personne")
    parser.add_argument("--workers", type=int, help="processus gunicorn (WEB_CONCURRENCY)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reprendre le réseau construit par le passage précédent",
    )
    return parser.parse_args()


def _address(number: int) -> str:
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256 + 1}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Server:
    """gunicorn with the repository's configuration, on a free loopback port."""

    def __init__(self, workers: int | None, log: Path):
        env = dict(os.environ, RELAIS_BIND="127.0.0.1:0")
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "website.wsgi"],
            cwd=network.ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.url = self._wait_for_address()

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log.read_text())
            if found:
                return found.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("gunicorn n'a pas démarré :\n" + self.log.read_text()[-2000:])

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return self.log.read_text()


def _public_paths(url: str) -> list[str]:
    answer = Browser(url, _address(0)).request("/sitemap.xml")
    paths = re.findall(r"<loc>https?://[^/<]+(/[^<]*)</loc>", answer.body)
    return sorted(set(paths)) + LISTINGS + [f"/recherche/?q={word}" for word in SEARCHES]


def warm_up(url: str, paths: list[str]) -> None:
    """Every worker started and every page read once, so that the measure is of a running site
    (workers load Django on their first request)."""
    queue = list(paths)
    lock = threading.Lock()

    def reader(number: int) -> None:
        browser = Browser(url, _address(900 + number))
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            browser.request(path)

    _run_threads(reader, 8)


def browse(url: str, paths: list[str], *, visitors: int, seconds: float) -> dict:
    """`visitors` threads, each a person going from page to page until the time is up."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def visitor(number: int) -> None:
        browser, chance = Browser(url, _address(1000 + number)), random.Random(number)
        mine = []
        while time.monotonic() < deadline:
            path = chance.choice(paths)
            try:
                answer = browser.request(path)
                mine.append((path, answer.status, answer.seconds))
            except Exception as error:  # noqa: BLE001 (counted as an error of the run)
                mine.append((f"{path} ({error!r})", 0, 0.0))
        with lock:
            results.extend(mine)

    _run_threads(visitor, visitors)
    times = [seconds * 1000 for _path, status, seconds in results if status == 200]
    errors = Counter(f"{status} {path}" for path, status, _seconds in results if status != 200)
    return {
        "requests": len(results),
        "per_second": round(len(results) / seconds, 1),
        "p50_ms": round(percentile(times, 0.50)),
        "p95_ms": round(percentile(times, 0.95)),
        "max_ms": round(max(times, default=0)),
        "errors": dict(errors.most_common(20)),
        "error_count": sum(errors.values()),
    }


def _run_threads(target, count: int) -> None:
    threads = [threading.Thread(target=target, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _event_form(title: str, structure: int, day: int) -> dict:
    start = datetime(2027, 3, 1, 9, 0) + timedelta(days=day)
    return {
        "structure": structure,
        "title": title,
        "summary": "Un atelier proposé pendant le test de charge.",
        "category": "atelier",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "sur_place",
        "address": "3 place de la Mairie, Chambéry",
        "description": "Venez avec vos questions.",
        "tags": "charge",
    }


def write(url: str, writers: network.Writers, *, rounds: int) -> dict:
    """Every proposer and every editor sign in, then all send their form at the same instant,
    `rounds` times."""
    people = [("proposer", person) for person in writers.proposers] + [
        ("editor", person) for person in writers.editors
    ]
    barrier = threading.Barrier(len(people))
    outcomes: list[tuple[str, int, float, bool]] = []
    proposals: dict[str, list[str]] = {}
    edits: dict[str, list[str]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    forms_ready = threading.Lock()  # the ORM reads that build the editor's post, one at a time

    def person_at_work(number: int) -> None:
        kind, person = people[number]
        try:
            browser = Browser(url, _address(5000 + number))
            browser.sign_in(person["username"], network.PASSWORD)
            for round_number in range(rounds):
                _one_write(browser, kind, person, round_number)
        except Exception as error:  # noqa: BLE001 (reported, and the others released)
            with lock:
                failures.append(f"{person['username']} : {error!r}")
            barrier.abort()

    def _one_write(browser: Browser, kind: str, person: dict, round_number: int) -> None:
        label = f"{person['username']} n°{round_number + 1}"
        if kind == "proposer":
            target = "/evenements/proposer/"
            _page, csrf = browser.form(target)
            data = _event_form(f"Atelier {label}", person["structure"], round_number)
            written = data["title"]
        else:
            target = f"/admin/pages/{person['page']}/edit/"
            page, csrf = browser.form(target)
            loaded = {
                name: re.search(rf'name="{name}" value="([^"]*)"', page.body).group(1)
                for name in ("loaded_revision_id", "loaded_revision_created_at")
            }
            written = f"Résumé écrit par {label}"
            with forms_ready:
                data = network.edit_form(person["page"], written, loaded)
        barrier.wait(timeout=300)
        answer = browser.request(target, {**data, **csrf})
        with lock:
            outcomes.append((kind, answer.status, answer.seconds, LOCKED in answer.body))
            if answer.status == 302:
                (proposals if kind == "proposer" else edits).setdefault(
                    person["username"], []
                ).append(written)
            else:
                failures.append(f"{person['username']} : réponse {answer.status} à {target}")

    _run_threads(person_at_work, len(people))
    problems = network.check(writers, proposals=proposals, edits=edits)
    report = {}
    for kind in ("proposer", "editor"):
        mine = [outcome for outcome in outcomes if outcome[0] == kind]
        times = [seconds * 1000 for _kind, _status, seconds, _locked in mine]
        report[kind] = {
            "writes": len(mine),
            "saved": sum(1 for _kind, status, _seconds, _locked in mine if status == 302),
            "p50_ms": round(percentile(times, 0.50)),
            "p95_ms": round(percentile(times, 0.95)),
            "max_ms": round(max(times, default=0)),
            "statuses": dict(Counter(str(status) for _kind, status, _s, _l in mine)),
            "locked": sum(1 for *_rest, locked in mine if locked),
        }
    report["problems"] = failures[:20] + problems
    return report


def _table(engine: str, workers: str, reading: dict, writing: dict) -> list[str]:
    lines = [
        f"Relais sous charge — {engine}, gunicorn {workers} processus",
        "",
        f"{'phase':<34}{'requêtes':>9}{'réussies':>10}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}",
        f"{'navigation (' + str(reading['visitors']) + ' visiteurs)':<34}"
        f"{reading['requests']:>9}{reading['requests'] - reading['error_count']:>10}"
        f"{reading['p50_ms']:>8}{reading['p95_ms']:>8}{reading['max_ms']:>8}",
    ]
    for kind, label in (("proposer", "propositions d'événements"), ("editor", "fiches modifiées")):
        row = writing[kind]
        lines.append(
            f"{label:<34}{row['writes']:>9}{row['saved']:>10}"
            f"{row['p50_ms']:>8}{row['p95_ms']:>8}{row['max_ms']:>8}"
        )
    lines += [
        "",
        f"navigation : {reading['per_second']} requêtes/s, {reading['error_count']} erreur(s)",
        f"« database is locked » : {writing['locked_in_log']} dans le journal du serveur",
    ]
    lines += [f"problème : {problem}" for problem in writing["problems"]]
    lines += [f"erreur : {error} ×{count}" for error, count in reading["errors"].items()]
    return lines


def main() -> int:
    options = _arguments()
    data_dir = network.ROOT / "var" / "loadtest"
    database = network.prepare_environment(data_dir / "site", fresh=not options.reuse)
    say(f"Préparation du réseau ({database.engine})…")
    writers = network.build(options.writers, say, saved=data_dir / "site" / "ecrivains.json")
    from django.db import connections

    connections.close_all()
    server = Server(options.workers, data_dir / "gunicorn.log")
    try:
        paths = _public_paths(server.url)
        say(f"Mise en route : chaque adresse une fois ({len(paths)})…")
        warm_up(server.url, paths)
        say(
            f"Navigation : {options.visitors} visiteurs, {options.seconds:g} s, "
            f"{len(paths)} adresses…"
        )
        reading = browse(server.url, paths, visitors=options.visitors, seconds=options.seconds)
        reading["visitors"] = options.visitors
        say(f"Écritures : {options.writers} + {options.writers} personnes, {options.rounds} fois…")
        writing = write(server.url, writers, rounds=options.rounds)
    finally:
        log = server.stop()
    writing["locked_in_log"] = log.count(LOCKED)
    writing["tracebacks_in_log"] = log.count("Traceback")
    workers = options.workers or "par défaut"
    lines = _table(database.engine, str(workers), reading, writing)
    say()
    say("\n".join(lines))
    figures = {
        "engine": database.engine,
        "workers": workers,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "seconds": options.seconds,
        "reading": reading,
        "writing": writing,
    }
    output = data_dir / f"loadtest-{database.engine}.json"
    output.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    say(f"\nChiffres : {output.relative_to(network.ROOT)}")
    failed = (
        reading["error_count"]
        or writing["problems"]
        or writing["locked_in_log"]
        or writing["tracebacks_in_log"]
        or any(writing[kind]["saved"] != writing[kind]["writes"] for kind in ("proposer", "editor"))
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
