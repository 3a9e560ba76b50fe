"""The site's pages measured by the benchmarks (`python -m tests.bench`): the home page, a
standard page, search; and the search backends side by side.

Every app's `bench.py` lists its public page types in `pages()` and its feeds and exports in
`feeds()`, as `Page` rows; `main=True` marks the pages whose throughput is measured under
gunicorn.
"""

from dataclasses import dataclass

from website.models import HomePage, StandardPage


@dataclass(frozen=True)
class Page:
    label: str
    url: str
    main: bool = False


def pages() -> list[Page]:
    home = HomePage.objects.get()
    measured = [Page("accueil", home.url, main=True)]
    standard = StandardPage.objects.live().exclude(slug__startswith="bench-").first()
    if standard:
        measured.append(Page("page simple", standard.url))
    # Not under gunicorn: its flood guard answers 429 past 120 searches a minute per address.
    measured.append(Page("recherche", "/recherche/?q=atelier+numerique"))
    return measured


def measurements(size) -> list[dict]:
    """Search, side by side on whoosh and on Wagtail's database backend: rebuild, queries,
    what a publish waits for, and how long until a publication is findable."""
    import time

    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from website import bench_search

    documents = bench_search.seed_pages(size.ressources)
    backends = {
        "whoosh": settings.WAGTAILSEARCH_BACKENDS["default"],
        "database": {"BACKEND": "wagtail.search.backends.database"},
    }
    rows = []
    for name, config in backends.items():
        with override_settings(WAGTAILSEARCH_BACKENDS={"default": config}):
            started = time.perf_counter()
            call_command("update_index", verbosity=0)
            rebuild = time.perf_counter() - started
            search = bench_search.measure(rounds=3)
            page = bench_search.measure_page(rounds=3)
            wait = bench_search.indexing_wait(samples=10)
            findable = bench_search.time_to_findable()
        rows.append(
            {
                "measure": f"recherche {name}",
                "documents": documents,
                "rebuild_s": round(rebuild, 2),
                "search_p50_ms": search["p50_ms"],
                "search_p95_ms": search["p95_ms"],
                **page,
                "publish_wait_ms": wait["queued_p50_ms"],
                "inline_index_ms": wait["inline_p50_ms"],
                "findable_ms": findable["p50_ms"],
            }
        )
    return rows
