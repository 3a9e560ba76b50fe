"""The load test's network: its own database (SQLite under var/loadtest/, or a PostgreSQL
database beside the one DATABASE_URL names), the demo, and the people and resources of the
write phase; then what must hold once the writes are done."""

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PASSWORD = "charge-relais-2026"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Database:
    url: str
    engine: str


def prepare_environment(data_dir: Path, *, fresh: bool) -> Database:
    """Point this process (and the server started later) at a database of its own, emptied
    first when `fresh`."""
    source = os.environ.get("DATABASE_URL", "")
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if source.startswith(("postgres://", "postgresql://", "pgsql://")):
        database = Database(url=_postgresql(source, fresh=fresh), engine="postgresql")
    else:
        database = Database(url=f"sqlite:///{data_dir / 'relais.sqlite3'}", engine="sqlite")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.load.settings",
        DATABASE_URL=database.url,
        RELAIS_DATA_DIR=str(data_dir),
        DJANGO_MEDIA_ROOT=str(data_dir / "media"),
        DJANGO_SECRET_KEY="load-test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
    )
    return database


def _postgresql(url: str, *, fresh: bool) -> str:
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'relais'}_charge"[:63]
    if not fresh:
        return urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Writers:
    """Who writes in the second phase, and what they start from."""

    proposers: list[dict] = field(default_factory=list)
    editors: list[dict] = field(default_factory=list)


def build(count: int, say, *, saved: Path) -> Writers:
    """Migrate, build the site and the demo, then `count` proposers and `count` editors, each
    editor with a resource of their own. A network built before (`saved`) is reused."""
    import django

    django.setup()
    from django.core.management import call_command

    if saved.exists():
        say("  réseau déjà construit : réutilisé")
        writers = Writers(**json.loads(saved.read_text()))
        for person in writers.editors:
            person["revisions"] = _published_revisions(person["page"])
        return writers

    say("  migrations…")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    say("  site et démo…")
    call_command("setup_site", verbosity=0)
    call_command("seed_demo", verbosity=0)
    say("  personnes et fiches de la phase d'écriture…")
    writers = _writers(count)
    saved.write_text(json.dumps(asdict(writers)))
    return writers


def _published_revisions(page_id: int) -> int:
    """The resource's revision count, after a first one is published: Wagtail's editor only
    tracks the version it opened (concurrent editing) for a page that has one."""
    from ressources.models import RessourcePage

    page = RessourcePage.objects.get(pk=page_id)
    if page.latest_revision_id is None:
        page.save_revision().publish()
    return page.revisions.count()


def _writers(count: int) -> Writers:
    from django.contrib.auth import get_user_model

    from ressources.factories import RessourcePageFactory
    from ressources.models import RessourceIndexPage
    from structures.models import Membership, Role, StructurePage

    structures = list(StructurePage.objects.live().order_by("pk"))
    wiki = RessourceIndexPage.objects.get()
    users = get_user_model().objects
    writers = Writers()
    for number in range(count):
        structure = structures[number % len(structures)]
        for kind, role in (("proposer", writers.proposers), ("editor", writers.editors)):
            user = users.create_user(f"charge-{kind}-{number}", password=PASSWORD)
            Membership.objects.create(user=user, structure=structure, role=Role.MEMBER)
            person = {"username": user.username, "structure": structure.pk}
            if kind == "editor":
                page = RessourcePageFactory(
                    parent=wiki, title=f"Fiche de charge {number}", kind="fiche"
                )
                person |= {"page": page.pk, "revisions": _published_revisions(page.pk)}
            role.append(person)
    return writers


def edit_form(page_id: int, summary: str, loaded: dict) -> dict:
    """What Wagtail's editor posts to publish the resource with a new summary."""
    from ressources.models import RessourcePage
    from tests.ressources.editor import editor_post

    page = RessourcePage.objects.get(pk=page_id)
    return editor_post(page, summary=summary, **loaded)


def check(writers: Writers, *, proposals: dict[str, list[str]], edits: dict[str, list[str]]):
    """Every write is there once: returns the problems found, in French."""
    from django.db import close_old_connections

    from agenda.models import EventPage, EventProposal
    from ressources.models import RessourcePage

    close_old_connections()
    problems = []
    for person in writers.proposers:
        for title in proposals.get(person["username"], []):
            events = EventPage.objects.filter(title=title)
            found = events.count()
            if found != 1:
                problems.append(f"« {title} » : {found} événement(s) au lieu d'un")
            elif EventProposal.objects.filter(event__in=events).count() != 1:
                problems.append(f"« {title} » : la proposition n'est pas enregistrée une fois")
    for person in writers.editors:
        summaries = edits.get(person["username"], [])
        page = RessourcePage.objects.get(pk=person["page"])
        kept = set(page.revisions.values_list("content__summary", flat=True))
        lost = [summary for summary in summaries if summary not in kept]
        if lost:
            problems.append(f"{page.title} : {len(lost)} modification(s) perdue(s)")
        if page.revisions.count() != person["revisions"] + len(summaries):
            problems.append(f"{page.title} : nombre de révisions inattendu")
        if summaries and page.summary != summaries[-1]:
            problems.append(f"{page.title} : la dernière modification n'est pas en ligne")
    return problems
