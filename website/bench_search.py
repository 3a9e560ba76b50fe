"""Search benchmark: how fast the configured search backend answers, rebuilds and indexes.

`measure(queries)` times the site search's work for each query (count, then the first page of
twenty live, public pages) and returns p50/p95 in milliseconds, for whatever backend
SEARCH_BACKEND selects. `measure_page(queries)` times the whole results page (/recherche/,
rendered, as a visitor gets it) for the same queries, with its SQL queries per request. `python -m website.bench_search --pages 5000` builds a database of
French pages under var/bench-search/ (once: RELAIS_DATA_DIR picks another), rebuilds the index
and prints every figure.
Not a test: nothing here asserts.
"""

import argparse
import os
import random
import statistics
import sys
import time

FRENCH_QUERIES = [
    "atelier numérique",
    "démarches administratives",
    "demarches caf",
    "permanence france services",
    "accompagnement emploi",
    "tablette seniors",
    "smartphone débutants",
    "impôts en ligne",
    "imprimante",
    "wifi gratuit",
    "bénévoles",
    "médiation numérique",
    "ateliers jeunes",
    "formation internet",
    "visio famille",
    "réorienter",
    "inclusion",
    "aide administrative mardi",
    "ordinateur reconditionné",
    "espace public numérique quartier",
]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def measure(queries: list[str] | None = None, rounds: int = 5) -> dict:
    """p50/p95 (ms) of the site search's work per query on the current backend."""
    from django.core.paginator import Paginator

    from wagtail.models import Page

    queries = queries or FRENCH_QUERIES
    timings = []
    for round_number in range(rounds + 1):
        for query in queries:
            started = time.perf_counter()
            results = Page.objects.live().public().specific().search(query)
            paginator = Paginator(results, 20)
            paginator.count  # noqa: B018 - the search page shows the count
            list(paginator.page(1).object_list)
            if round_number:  # the first round warms caches up
                timings.append((time.perf_counter() - started) * 1000)
    return {
        "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
    }


def measure_page(queries: list[str] | None = None, rounds: int = 3) -> dict:
    """p50/p95 (ms) of the results page's server time per query, and its SQL queries.

    Each request comes from its own address, so that the page's flood guard (120 searches a
    minute per address) never answers instead of the page.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    queries = queries or FRENCH_QUERIES
    client = Client(HTTP_HOST="localhost")
    timings, query_counts, shown, statuses = [], [], [], set()
    request_number = 0
    for round_number in range(rounds + 1):
        for query in queries:
            request_number += 1
            address = f"10.{request_number // 65536 % 256}.{request_number // 256 % 256}.{request_number % 256}"
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/recherche/", {"q": query}, REMOTE_ADDR=address)
                elapsed = (time.perf_counter() - started) * 1000
            statuses.add(response.status_code)
            if round_number:  # the first round warms caches up
                timings.append(elapsed)
                query_counts.append(len(captured))
                shown.append(response.content.count(b'<li class="search-result'))
    return {
        "page_p50_ms": round(statistics.median(timings), 2),
        "page_p95_ms": round(_percentile(timings, 0.95), 2),
        "page_queries": f"{min(query_counts)}-{max(query_counts)}",
        "page_results_shown": f"{min(shown)}-{max(shown)}",
        "page_statuses": ",".join(str(status) for status in sorted(statuses)),
    }


def indexing_wait(samples: int = 30) -> dict:
    """What a publish waits for indexing: enqueueing the task (production's database queue),
    and, for comparison, indexing in the request (the immediate queue of dev and tests)."""
    from django.test import override_settings

    from modelsearch.backends import get_search_backend
    from modelsearch.tasks import insert_or_update_object_task
    from wagtail.models import Page

    pages = list(Page.objects.live().specific().order_by("?")[:samples])
    queued, inline = [], []
    tasks = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "queue": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    with override_settings(TASKS=tasks):
        for page in pages:
            started = time.perf_counter()
            insert_or_update_object_task.using(backend="queue").enqueue(
                page._meta.app_label, page._meta.model_name, str(page.pk)
            )
            queued.append((time.perf_counter() - started) * 1000)
    backend = get_search_backend()
    for page in pages:
        started = time.perf_counter()
        backend.add(page)
        inline.append((time.perf_counter() - started) * 1000)
    return {
        "queued_p50_ms": round(statistics.median(queued), 2),
        "queued_p95_ms": round(_percentile(queued, 0.95), 2),
        "inline_p50_ms": round(statistics.median(inline), 2),
        "inline_p95_ms": round(_percentile(inline, 0.95), 2),
    }


def time_to_findable(samples: int = 5) -> dict:
    """From publishing a page with a new word to finding it by that word (ms)."""
    from wagtail.models import Page

    from website.models import HomePage, StandardPage

    home = HomePage.objects.get()
    timings = []
    for number in range(samples):
        word = f"zorglub{int(time.time() * 1000)}x{number}"
        started = time.perf_counter()
        page = home.add_child(
            instance=StandardPage(title=f"Essai {word}", slug=f"bench-findable-{word}")
        )
        page.save_revision().publish()
        while not Page.objects.live().search(word).count():
            if time.perf_counter() - started > 10:
                break
            time.sleep(0.005)
        timings.append((time.perf_counter() - started) * 1000)
        page.delete()
    return {"p50_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def seed_pages(total: int) -> int:
    from faker import Faker

    from wagtail.models import Page

    from website.models import HomePage, StandardPage
    from website.search.deferred import indexing_deferred

    existing = StandardPage.objects.filter(slug__startswith="bench-").count()
    if existing >= total:
        return existing
    # French text (Faker's French words, so word frequencies spread as in prose) in which each
    # page mentions two of the benchmark's topics: a topic's words are on about a tenth of
    # the pages, and the commonest ("atelier", "numérique") on several tenths.
    faker = Faker("fr_FR")
    faker.seed_instance(5000)
    rng = random.Random(5000)  # noqa: S311 - reproducible text, not security
    home = HomePage.objects.get()
    parents = [home]
    with indexing_deferred():
        for number in range(existing, total):
            topic, other = rng.sample(FRENCH_QUERIES, 2)
            page = StandardPage(
                title=f"{faker.sentence(nb_words=3).rstrip('.')} : {topic}",
                slug=f"bench-{number:05d}",
                intro=f"{faker.paragraph(nb_sentences=4)} Voir aussi {other}. "
                f"{faker.paragraph(nb_sentences=3)}",
            )
            parent = parents[number % len(parents)]
            parent.add_child(instance=page)
            if number % 100 == 0:
                parents.append(Page.objects.get(pk=page.pk).specific)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m website.bench_search")
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    os.environ.setdefault("RELAIS_DATA_DIR", os.path.join("var", "bench-search"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("setup_site", verbosity=0)
    started = time.perf_counter()
    pages = seed_pages(arguments.pages)
    seeding = time.perf_counter() - started
    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    rebuild = time.perf_counter() - started

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")

    say(f"backend: {settings.WAGTAILSEARCH_BACKENDS['default']['BACKEND']}")
    say(f"pages: {pages} (seeded in {seeding:.1f} s)")
    say(f"update_index: {rebuild:.2f} s")
    say(
        f"search (count + first page of 20, {len(FRENCH_QUERIES)} queries): {measure(rounds=arguments.rounds)}"
    )
    say(f"results page (/recherche/, rendered): {measure_page(rounds=arguments.rounds)}")
    say(f"indexing wait per publish: {indexing_wait()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
