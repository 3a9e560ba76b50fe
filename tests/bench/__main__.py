"""`make bench`: build a network of the requested size, then measure it.

- Every public page type each app's `bench.pages()` declares, rendered in this process without
  the page cache: server time p50/p95 (ms) and SQL queries per request.
- Every feed and export of `bench.feeds()`, cold (the cache cleared before each request) and
  warm (served as production serves it, caches filled).
- Each app's `bench.measurements(size)` (search backends side by side).
- Under gunicorn (tests/bench/server.py): the main pages' throughput uncached and cached, beside
  a static file and `wagtail start`'s page served the same way, and a worker's memory.

Prints one table per part and writes the same figures as JSON under var/bench/, so that runs can
be compared. Not a test: nothing here asserts.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from tests.bench.report import ratio, summary, table

# At S (CI) the server section stays short; M and L measure as the issue asks.
SECONDS = {"S": 1, "M": 5, "L": 5}
MEMORY_REQUESTS = {"S": 300, "M": 10_000, "L": 10_000}
LONG_REQUESTS = 50_000
STATIC_FILE = "css/relais.css"
# The site's switch of its anonymous page cache (website/page_cache.py): the uncached path.
PAGE_CACHE_OFF = {"RELAIS_PAGE_CACHE_SECONDS": 0}


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--size", choices=["S", "M", "L"], default="S")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument(
        "--no-server", action="store_true", help="skip the gunicorn section (throughput, memory)"
    )
    parser.add_argument(
        "--no-measurements",
        action="store_true",
        help="skip the apps' further measurements (search backends side by side)",
    )
    parser.add_argument(
        "--only-server",
        action="store_true",
        help="the gunicorn section alone, on the network already built",
    )
    parser.add_argument("--seconds", type=float, help="seconds per throughput measure")
    parser.add_argument("--memory-requests", type=int, help="requests before the memory reading")
    parser.add_argument(
        "--long", action="store_true", help=f"also read the memory after {LONG_REQUESTS} requests"
    )
    return parser.parse_args()


def _data_dir(size: str) -> Path:
    # PostgreSQL gets its own folder: the search index and media follow the database's ids.
    url = os.environ.get("DATABASE_URL", "")
    suffix = "-postgresql" if url.startswith(("postgres", "postgresql")) else ""
    return Path(
        os.environ.setdefault("RELAIS_DATA_DIR", str(Path("var") / f"bench-{size}{suffix}"))
    )


def _read(response) -> bytes:
    # Exports stream: their time includes producing the whole body.
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _time(client, url: str, requests: int, prepare=None, uncached: bool = False) -> dict:
    """Server time of `requests` requests after two untimed ones, and the queries of one more;
    `prepare` runs untimed before each."""
    from django.test import override_settings

    with override_settings(**(PAGE_CACHE_OFF if uncached else {})):
        return _timed(client, url, requests, prepare or (lambda: None))


def _timed(client, url: str, requests: int, prepare) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.cookies.clear()  # as a new visitor: the page cache never serves a session
    for _warm_up in range(2):
        prepare()
        _read(client.get(url))
    timings = []
    for _request in range(requests):
        prepare()
        before = time.perf_counter()
        response = client.get(url)
        body = _read(response)
        timings.append((time.perf_counter() - before) * 1000)
    prepare()
    with CaptureQueriesContext(connection) as queries:
        _read(client.get(url))
    return {
        "status": response.status_code,
        **summary(timings),
        "queries": len(queries),
        "bytes": len(body),
    }


def main() -> int:
    arguments = _arguments()
    data_dir = _data_dir(arguments.size)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
    import django

    django.setup()

    from django.contrib.staticfiles import finders
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from website.discovery import contributions
    from website.scale_sizes import SIZES

    started = time.monotonic()
    minimal = None
    if not arguments.no_server:
        from tests.bench import server as server_section

        # Prepared while the network is built: that takes one core, this the other.
        minimal = server_section.start_minimal_project(Path("var") / "bench")
    # The cache table first: the page cache writes its token as soon as migrations write.
    if not arguments.only_server:
        call_command("createcachetable", verbosity=0)
        call_command("migrate", verbosity=0)
        call_command("seed_scale", size=arguments.size, verbosity=0)
    seeding_seconds = time.monotonic() - started

    modules = list(contributions("bench"))
    pages = [page for module in modules if hasattr(module, "pages") for page in module.pages()]
    feeds = [feed for module in modules if hasattr(module, "feeds") for feed in module.feeds()]
    # A page that fails is a 500 row of the table, not the end of the run.
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)

    measured_here = [] if arguments.only_server else pages
    started = time.monotonic()
    page_rows = [
        {"page": page.label, "url": page.url}
        | _time(client, page.url, arguments.requests, uncached=True)
        for page in measured_here
    ]
    feed_rows = []
    # A cold whole-agenda ICS takes seconds at M: fewer cold requests.
    cold_requests = max(5, arguments.requests // 3)
    for feed in [] if arguments.only_server else feeds:
        cold = _time(client, feed.url, cold_requests, prepare=cache.clear, uncached=True)
        warm = _time(client, feed.url, arguments.requests)
        feed_rows.append(
            {"feed": feed.label, "url": feed.url, "status": cold["status"], "bytes": warm["bytes"]}
            | {f"cold_{key}": cold[key] for key in ("p50_ms", "p95_ms", "queries")}
            | {f"warm_{key}": warm[key] for key in ("p50_ms", "p95_ms", "queries")}
            | {"speedup": ratio(cold["p50_ms"], warm["p50_ms"])}
        )
    pages_seconds = time.monotonic() - started

    started = time.monotonic()
    measured = [
        row
        for module in modules
        if hasattr(module, "measurements")
        and not (arguments.no_measurements or arguments.only_server)
        for row in module.measurements(SIZES[arguments.size])
    ]
    measurements_seconds = time.monotonic() - started

    vendor = connection.vendor
    say()
    say(
        f"Relais benchmark — taille {arguments.size}, base {vendor}, "
        f"{arguments.requests} requêtes par page ({data_dir})"
    )
    say(
        f"(réseau prêt en {seeding_seconds:.0f} s ; pages et flux mesurés en {pages_seconds:.0f} s ; "
        f"mesures de recherche en {measurements_seconds:.0f} s)"
    )
    say()
    say("Pages publiques, sans le cache de pages (temps serveur, requêtes SQL par page)")
    for line in table(
        [
            ("page", "page", ""),
            ("statut", "status", "d"),
            ("p50 ms", "p50_ms", ".1f"),
            ("p95 ms", "p95_ms", ".1f"),
            ("requêtes", "queries", "d"),
            ("Ko", "kb", ".1f"),
        ],
        [row | {"kb": row["bytes"] / 1024} for row in page_rows],
    ):
        say(line)
    say()
    say(
        f"Flux et exports : à froid (cache vidé avant chaque requête, {cold_requests} requêtes) "
        f"et à chaud ({arguments.requests} requêtes)"
    )
    for line in table(
        [
            ("flux", "feed", ""),
            ("statut", "status", "d"),
            ("froid p50", "cold_p50_ms", ".1f"),
            ("froid p95", "cold_p95_ms", ".1f"),
            ("req.", "cold_queries", "d"),
            ("chaud p50", "warm_p50_ms", ".1f"),
            ("chaud p95", "warm_p95_ms", ".1f"),
            ("req.", "warm_queries", "d"),
            ("froid/chaud", "speedup", ".0f"),
            ("Ko", "kb", ".1f"),
        ],
        [row | {"kb": row["bytes"] / 1024} for row in feed_rows],
    ):
        say(line)
    for row in measured:
        say()
        say(row["measure"])
        for key, value in row.items():
            if key != "measure":
                say(f"  {key:<18} {value}")
    server = {}
    if not arguments.no_server:
        connection.close()  # the servers write to the same database
        plan = server_section.Plan(
            main=[(page.label, page.url) for page in pages if page.main],
            every=[page.url for page in pages] + [feed.url for feed in feeds],
            static_path=f"/static/{STATIC_FILE}",
            seconds=arguments.seconds or SECONDS[arguments.size],
            memory_requests=arguments.memory_requests or MEMORY_REQUESTS[arguments.size],
            long_requests=LONG_REQUESTS if arguments.long else 0,
        )
        if not finders.find(STATIC_FILE):
            raise SystemExit(f"Fichier statique de référence introuvable : {STATIC_FILE}")
        server = server_section.run(
            plan, data_dir, Path("var") / "bench", PAGE_CACHE_OFF, minimal=minimal
        )

    if server:
        _say_server(server)
    suffix = "-server" if arguments.only_server else ""
    output = Path("var") / "bench" / f"results-{arguments.size}-{vendor}{suffix}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "size": arguments.size,
                "database": vendor,
                "seeding_seconds": round(seeding_seconds, 1),
                "pages": page_rows,
                "feeds": feed_rows,
                "measurements": measured,
                "server": server,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    say(f"JSON : {output}")
    failures = [row for row in page_rows + feed_rows if row["status"] >= 400]
    return 1 if failures else 0


def _say_server(server: dict) -> None:
    static, minimal = server["static"]["rps"], server["minimal"]["rps"]
    say()
    say(
        f"Débit sous gunicorn ({server['gunicorn_config'] or 'options par défaut'}, 1 worker sync "
        f"sur le cœur {server['server_core']} ; wrk, {server['connections']} connexions, sur le "
        f"cœur {server['load_core']} ; {server['seconds_per_measure']:g} s par mesure ; cpu : part "
        "de son cœur que le worker a eue, moins de 100 % quand d'autres processus le prennent)"
    )
    references = [
        {
            "page": f"fichier statique {server['static']['path']}",
            "uncached_rps": static,
            "uncached_server_cpu": server["static"]["server_cpu_share"],
            "note": f"wrk : {server['static']['wrk_cpu_share']:.0%} de son cœur",
        },
        {
            "page": "page Wagtail minimale (wagtail start)",
            "uncached_rps": minimal,
            "uncached_static": ratio(minimal, static),
            "uncached_server_cpu": server["minimal"]["server_cpu_share"],
        },
    ]
    rows = references + [
        row
        | {
            "uncached_static": ratio(row["uncached_rps"], static),
            "uncached_minimal": ratio(row["uncached_rps"], minimal),
            "cached_static": ratio(row["cached_rps"], static),
            "note": "" if row["x_cache"] else "pas d'en-tête X-Cache",
        }
        for row in server["pages"]
    ]
    for line in table(
        [
            ("page", "page", ""),
            ("sans cache req/s", "uncached_rps", ".1f"),
            ("cpu", "uncached_server_cpu", ".0%"),
            ("× statique", "uncached_static", ".3f"),
            ("× minimale", "uncached_minimal", ".2f"),
            ("avec cache req/s", "cached_rps", ".1f"),
            ("cpu", "cached_server_cpu", ".0%"),
            ("× statique", "cached_static", ".3f"),
            ("X-Cache", "x_cache", ""),
            ("", "note", ""),
        ],
        rows,
    ):
        say(line)
    say()
    say("Mémoire résidente d'un worker (Mo : actuelle / pic)")
    memory_rows = []
    for name, figures in [
        ("Relais", server["memory"]),
        ("Relais sans cache", server["uncached_memory"]),
        ("Wagtail minimale", server["minimal_memory"]),
    ]:
        for moment, reading in figures.items():
            if isinstance(reading, dict):
                label = {
                    "start": "au démarrage",
                    "every_page": "après chaque type de page et flux",
                    "rendered": f"après {reading.get('requests')} requêtes rendues (débit)",
                }.get(moment, f"après {reading.get('requests')} requêtes en cycle")
                memory_rows.append({"worker": name, "moment": label} | reading)
    for line in table(
        [
            ("worker", "worker", ""),
            ("moment", "moment", ""),
            ("RSS Mo", "rss_mb", ".1f"),
            ("pic Mo", "peak_rss_mb", ".1f"),
        ],
        memory_rows,
    ):
        say(line)
    say(
        f"(section serveur en {server['section_s']:.0f} s ; page minimale préparée en "
        f"{server['minimal_setup_s']:.0f} s, en parallèle de la construction du réseau ; machine "
        "partagée : les autres processus pèsent sur les chiffres absolus, comparez les rapports)"
    )


if __name__ == "__main__":
    sys.exit(main())
