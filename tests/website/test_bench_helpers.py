"""The benchmark's pure helpers (tests/bench): the benchmark itself is run by `make bench`."""

from tests.bench.report import percentile, ratio, summary, table
from tests.bench.server import parse_wrk

WRK_REPORT = """Running 5s test @ http://127.0.0.1:8001/static/css/relais.css
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.61ms  308.36us   8.01ms   90.12%
  12345 requests in 5.01s, 100.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   2464.07
Transfer/sec:     19.96MB
"""


def test_percentiles_are_nearest_rank():
    values = [float(number) for number in range(1, 101)]
    assert percentile(values, 0.5) == 51.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0
    assert summary([3.0, 1.0, 2.0]) == {"p50_ms": 2.0, "p95_ms": 3.0}


def test_ratio_is_empty_without_a_reference():
    assert ratio(50, 200) == 0.25
    assert ratio(50, None) is None
    assert ratio(None, 200) is None
    assert ratio(50, 0) is None


def test_table_aligns_columns_and_shows_missing_values():
    lines = table(
        [("page", "page", ""), ("p50 ms", "p50", ".1f"), ("requêtes", "queries", "d")],
        [{"page": "accueil", "p50": 12.345, "queries": 9}, {"page": "agenda du mois", "p50": None}],
    )
    assert lines == [
        "page            p50 ms  requêtes",
        "--------------------------------",
        "accueil           12.3         9",
        "agenda du mois       –         –",
    ]


def test_wrk_report_is_read():
    assert parse_wrk(WRK_REPORT) == {"requests": 12345, "seconds": 5.01, "rps": 2464.1, "failed": 7}
    assert parse_wrk("")["rps"] is None
    # Past a minute wrk counts in minutes.
    a_minute = parse_wrk("  150000 requests in 1.00m, 1.20GB read\nRequests/sec:   2496.60\n")
    assert a_minute["requests"] == 150000 and a_minute["seconds"] == 60.0
