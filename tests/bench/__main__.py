"""`make bench`: build a network of the requested size, then time every page each app declares.

Each app's `bench.pages()` gives (label, url) pairs, or (label, url, prepare) where `prepare`
runs untimed before each request (clearing the cache, to time a rendering rather than a copy).
Prints one table (server time p50/p95 in ms, SQL queries per request) and writes the same
figures as JSON beside it, so that runs can be compared. Not a test: nothing here asserts.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _nothing() -> None:
    pass


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--size", choices=["S", "M", "L"], default="S")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    arguments = parser.parse_args()

    os.environ.setdefault("RELAIS_DATA_DIR", str(Path("var") / f"bench-{arguments.size}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from website.discovery import contributions
    from website.scale_sizes import SIZES

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed_scale", size=arguments.size, verbosity=0)
    seeding_seconds = time.monotonic() - started

    client = Client(HTTP_HOST="localhost")
    rows = []
    for module in contributions("bench"):
        for label, url, *prepare in module.pages():
            prepare = prepare[0] if prepare else _nothing
            for _warm_up in range(2):
                prepare()
                client.get(url)
            timings = []
            for _request in range(arguments.requests):
                prepare()
                before = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - before) * 1000)
            prepare()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            rows.append(
                {
                    "page": label,
                    "url": url,
                    "status": response.status_code,
                    "p50_ms": round(statistics.median(timings), 2),
                    "p95_ms": round(_percentile(timings, 0.95), 2),
                    "queries": len(queries),
                    "bytes": len(response.content),
                }
            )

    vendor = connection.vendor
    say(
        f"Relais benchmark — size {arguments.size}, database {vendor}, {arguments.requests} requests per page"
    )
    say(f"(network built in {seeding_seconds:.1f} s)")
    header = f"{'page':<34} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>7}"
    say(header)
    say("-" * len(header))
    for row in rows:
        say(
            f"{row['page']:<34} {row['status']:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['queries']:>8} {row['bytes'] / 1024:>7.1f}"
        )
    measured = [
        row
        for module in contributions("bench")
        if hasattr(module, "measurements")
        for row in module.measurements(SIZES[arguments.size])
    ]
    for row in measured:
        say()
        say(row["measure"])
        for key, value in row.items():
            if key != "measure":
                say(f"  {key:<18} {value}")
    output = Path("var") / "bench" / f"results-{arguments.size}-{vendor}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "size": arguments.size,
                "database": vendor,
                "seeding_seconds": round(seeding_seconds, 1),
                "pages": rows,
                "measurements": measured,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    say(f"JSON : {output}")
    failures = [row for row in rows if row["status"] >= 400]
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
