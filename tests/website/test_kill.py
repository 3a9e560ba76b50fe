"""Processes killed at random points: an import of places (import_lieux), an import of calls
(import_aides), the wiki's digests (send_digests) and the funding watch's alerts
(send_veille_alerts) leave no half-written record, and the next run leaves no duplicate and
the same result as a run never interrupted.

Django starts once, here; each trial forks a child that runs the command on a scratch database
(tests/databases.py) and is sent SIGKILL after a random delay (seeded: a failure replays).
Each trial brings its own new records, people or alerts, so trials need no reset. Mail goes to
a folder, one file per message, written whole then renamed, as an SMTP server accepts a message
whole or not at all: the parent reads what the killed children sent. The cache is the database
cache, the embedded default, so locks left by a killed run are the ones production would see.
"""

import csv
import email
import io
import json
import os
import random
import signal
import sys
import time
import traceback
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connections

from wagtail.models import Page

from ressources.factories import RessourcePageFactory
from ressources.following import follow, set_frequency
from ressources.models import DigestSubscription, Follow, RessourceIndexPage
from ressources.models import Frequency as DigestFrequency
from structures.factories import StructurePageFactory
from structures.models import LieuPage, StructureIndexPage
from tests.databases import Database, scratch_database, template_database, using
from veille.factories import AppelPageFactory
from veille.models import Alert, AppelPage, Funder, Theme, VeilleIndexPage
from veille.models import Frequency as AlertFrequency
from website.factories import UserFactory

pytestmark = pytest.mark.django_db

TRIALS = 20
# Runs vary on a loaded machine: some trials end before their kill. Enough must not.
MID_RUN = TRIALS // 3
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=PARIS)  # a Wednesday morning
FIXTURES = Path(__file__).parent.parent / "fixtures"


class OutboxBackend(BaseEmailBackend):
    """One file per message in EMAIL_FILE_PATH, written under a temporary name then renamed."""

    def send_messages(self, messages):
        from django.conf import settings

        folder = Path(settings.EMAIL_FILE_PATH)
        for message in messages:
            name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}"
            partial = folder / f".{name}.partiel"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(folder / f"{name}.eml")
        return len(messages)


def outbox(folder: Path) -> dict[str, tuple[str, str]]:
    """(recipient, Message-ID) of every message accepted, by file name."""
    found = {}
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        found[path.name] = (message["To"], message["Message-ID"])
    return found


@pytest.fixture(scope="module")
def template(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), template_database(tmp_path_factory.mktemp("db")) as database:
        yield database


@pytest.fixture
def site(template, tmp_path, settings, django_db_blocker):
    """A scratch database with the database cache, mail to a folder and the clock at NOW."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path  # the run locks' files
    settings.EMAIL_BACKEND = f"{__name__}.OutboxBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "courrier"
    settings.EMAIL_FILE_PATH.mkdir()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "relais_cache",
        }
    }
    with (
        django_db_blocker.unblock(),
        scratch_database(tmp_path, template),
        time_machine.travel(NOW, tick=False),
    ):
        call_command("createcachetable", verbosity=0)
        yield Site(tmp_path, settings.EMAIL_FILE_PATH)


class Site:
    def __init__(self, folder: Path, mail: Path):
        self.folder, self.mail = folder, mail

    def sent(self, *, since: dict | None = None) -> list[tuple[str, str]]:
        """The messages accepted (since the `since` outbox), in no particular order."""
        return [item for name, item in outbox(self.mail).items() if name not in (since or {})]

    def outbox(self) -> dict:
        return outbox(self.mail)


def run_child(database: Database, command: str, *args) -> None:
    """In the forked child: run the command on connections of its own, then leave without
    running anything of the parent's (pytest's teardown, atexit handlers)."""
    code = 1
    try:
        # The parent's swapped connection lives in a thread-local, which a fork from a thread
        # other than the main one (pytest-xdist's) does not keep: name the database again.
        with using(database):
            call_command(command, *args, verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())
        code = 0
    except BaseException:  # noqa: BLE001 - reported, then the child exits 1
        # The parent only sees the exit status: say why on the test's captured output.
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(code)


def fork(command: str, *args) -> int:
    database = Database(dict(connections["default"].settings_dict))
    connections.close_all()  # the child must not share the parent's database connection
    pid = os.fork()
    if pid == 0:
        run_child(database, command, *args)
    return pid


def timed_run(command: str, *args) -> float:
    """A forked run left to finish: how long a whole run takes, fork included."""
    started = time.perf_counter()
    pid = fork(command, *args)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.perf_counter() - started


def killed_run(command: str, *args, delay: float) -> bool:
    """Fork a run and SIGKILL it after `delay` seconds; whether it was killed before it ended."""
    pid = fork(command, *args)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == -signal.SIGKILL


def whole_run(run) -> float:
    """How long an uninterrupted run takes: the shorter of two, `run(name)` preparing a run's own
    records and timing it. One slow run (the machine busy, a first child compiling what later
    ones find ready) would put most of the kills drawn below it after the runs had ended."""
    return min(run("ref"), run("ref2"))


def trials(seed: str, duration: float):
    """The trials' kill delays: anywhere from the fork to the end of a whole run."""
    rng = random.Random(seed)
    return [rng.uniform(0, duration) for _ in range(TRIALS)]


def tree_is_sound() -> bool:
    """treebeard's own check: paths, depths and child counts agree (an add_child cut in half
    leaves a parent counting a child it does not have)."""
    return not any(Page.find_problems())


# --- import_lieux ----------------------------------------------------------------------------


def places_file(folder: Path, trial: int | str, count: int = 2) -> Path:
    with open(FIXTURES / "standard" / "exemple-valide.csv", encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    path = folder / f"lieux-{trial}.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for number in range(count):
            values = dict(zip(header, row, strict=True))
            values.update(id=f"essai-{trial}-{number}", nom=f"Lieu {trial}-{number}", pivot="")
            writer.writerow([values[column] for column in header])
    return path


def places(trial) -> list[tuple]:
    return sorted(
        (
            lieu.identifiant.split(f"essai-{trial}-", 1)[1],
            lieu.title,
            lieu.live,
            lieu.live_revision_id is not None,
            lieu.revisions.count(),
        )
        for lieu in LieuPage.objects.filter(identifiant__contains=f":essai-{trial}-")
    )


def test_a_killed_import_of_places_leaves_whole_places_and_the_next_run_no_duplicate(site):
    StructurePageFactory(parent=StructureIndexPage.objects.get(), slug="accueil-import")
    options = ("--structure", "accueil-import", "--source", "essai")
    call_command(  # warms the caches the children inherit
        "import_lieux", str(places_file(site.folder, "chauffe")), *options, stdout=io.StringIO()
    )
    duration = whole_run(
        lambda name: timed_run("import_lieux", str(places_file(site.folder, name)), *options)
    )
    reference = places("ref")
    assert [(key, live, published) for key, _, live, published, _ in reference] == [
        (str(n), True, True) for n in range(2)
    ]
    killed = 0
    for trial, delay in enumerate(trials("import_lieux", duration)):
        path = str(places_file(site.folder, trial))
        killed += killed_run("import_lieux", path, *options, delay=delay)
        # What the killed run left: whole places only, published, in a sound tree.
        assert all(live and published for _, _, live, published, _ in places(trial))
        assert tree_is_sound()
        call_command("import_lieux", path, *options, verbosity=0, stdout=io.StringIO())
        assert [
            (key, live, published, revisions)
            for key, _, live, published, revisions in places(trial)
        ] == [(key, live, published, revisions) for key, _, live, published, revisions in reference]
    assert killed >= MID_RUN
    assert tree_is_sound()


# --- import_aides ----------------------------------------------------------------------------


def calls_file(folder: Path, trial: int | str, count: int = 2) -> Path:
    template = json.loads(
        (FIXTURES.parent / "veille" / "fixtures" / "aides_page1.json").read_text()
    )
    record = template["results"][0]
    named = ["chauffe", "ref", "ref2"]
    base = 100_000 * (trial + len(named) + 1 if isinstance(trial, int) else named.index(trial) + 1)
    results = [
        {
            **record,
            "id": base + number,
            "slug": f"essai-{trial}-{number}",
            "name": f"Appel {trial}-{number}",
            "financers": ["Fondation de l'essai", f"Financeur {trial}-{number}"],
        }
        for number in range(count)
    ]
    path = folder / f"aides-{trial}.json"
    path.write_text(json.dumps({"count": count, "next": None, "results": results}))
    return path


def calls(trial) -> list[tuple]:
    return sorted(
        (call.title, call.live, call.live_revision_id is not None, call.revisions.count())
        for call in AppelPage.objects.filter(title__startswith=f"Appel {trial}-")
    )


def test_a_killed_import_of_calls_saves_all_or_nothing_and_the_next_run_no_duplicate(site):
    call_command("import_aides", str(calls_file(site.folder, "chauffe")), stdout=io.StringIO())
    duration = whole_run(lambda name: timed_run("import_aides", str(calls_file(site.folder, name))))
    reference = [(live, published, revisions) for _, live, published, revisions in calls("ref")]
    assert reference == [(True, True, 1)] * 2
    killed = 0
    for trial, delay in enumerate(trials("import_aides", duration)):
        path = str(calls_file(site.folder, trial))
        killed += killed_run("import_aides", path, delay=delay)
        assert len(calls(trial)) in (0, 2)  # one transaction: all of the file or nothing
        assert tree_is_sound()
        call_command("import_aides", path, verbosity=0, stdout=io.StringIO())
        assert [
            (live, published, revisions) for _, live, published, revisions in calls(trial)
        ] == reference
    assert killed >= MID_RUN
    duplicated = Counter(Funder.objects.values_list("name", flat=True))
    assert duplicated["Fondation de l'essai"] == 1
    assert max(duplicated.values()) == 1
    assert tree_is_sound()


# --- Emails: at least once, at most the one in flight repeated ----------------------------------


def check_deliveries(sent: list[tuple[str, str]], recipients: set[str], *, killed: bool) -> None:
    """Everyone due got their email; a kill repeats at most the one in flight, the last one the
    killed run had sent (DESIGN.md: email is at-least-once at worst)."""
    counts = Counter(to for to, _ in sent if to in recipients)
    assert set(counts) == recipients
    repeated = [to for to, count in counts.items() if count > 1]
    assert len(repeated) <= (1 if killed else 0)
    assert all(counts[to] == 2 for to in repeated)
    # The copy carries the first one's Message-ID, by which mail servers and clients drop it.
    identities = {(to, message_id) for to, message_id in sent if to in recipients}
    assert len(identities) == len(recipients)


def whole_mailing_run(site, command: str, recipients) -> float:
    """whole_run() of a command that sends email, `recipients(name)` giving each run its own
    people due: every one of them gets their email, once."""

    def run(name) -> float:
        before, due = site.outbox(), recipients(name)
        duration = timed_run(command)
        check_deliveries(site.sent(since=before), due, killed=False)
        return duration

    return whole_run(run)


def test_a_killed_digest_run_skips_nobody_and_repeats_at_most_the_email_in_flight(site):
    author = UserFactory(username="autrice")
    wiki = RessourceIndexPage.objects.get()
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        page = RessourcePageFactory(parent=wiki, title="Prendre rendez-vous en ligne")
        page.save_revision(user=author).publish(user=author, skip_permission_checks=True)

    def readers(trial, count=2) -> set[str]:
        people = set()
        with time_machine.travel(NOW - timedelta(days=3), tick=False):
            for number in range(count):
                reader = UserFactory(username=f"lecteur-{trial}-{number}")
                follow(user=reader)
                set_frequency(user=reader, frequency=DigestFrequency.DAILY)
                people.add(reader.email)
        return people

    # A first run here compiles the templates, which the children then inherit; the next two,
    # forked, say how long an uninterrupted run takes.
    readers("chauffe")
    call_command("send_digests", verbosity=0, stdout=io.StringIO())
    duration = whole_mailing_run(site, "send_digests", readers)
    killed_count = 0
    for trial, delay in enumerate(trials("send_digests", duration)):
        people = readers(trial)
        before = site.outbox()
        killed = killed_run("send_digests", delay=delay)
        killed_count += killed
        # Nobody's cursor moved without their email having left.
        moved = set(
            DigestSubscription.objects.filter(
                user__email__in=people, covered_until__isnull=False
            ).values_list("user__email", flat=True)
        )
        assert moved <= {to for to, _ in site.sent(since=before)}
        call_command("send_digests", verbosity=0, stdout=io.StringIO())
        check_deliveries(site.sent(since=before), people, killed=killed)
        call_command("send_digests", verbosity=0, stdout=io.StringIO())
    assert Follow.objects.count() == (TRIALS + 3) * 2
    assert killed_count >= MID_RUN


def test_a_killed_alert_run_skips_no_alert_and_repeats_at_most_the_email_in_flight(site):
    theme = Theme.objects.get(slug="inclusion-numerique")
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        AppelPageFactory(
            parent=VeilleIndexPage.objects.get(),
            title="Inclusion numérique en Savoie",
            themes=[theme],
        )

    def alerts(trial, count=3) -> set[str]:
        addresses = {f"veille-{trial}-{number}@example.org" for number in range(count)}
        for address in addresses:
            Alert.objects.create(
                email=address,
                query="theme=inclusion-numerique",
                frequency=AlertFrequency.DAILY,
                confirmed_at=NOW - timedelta(days=1),
            )
        return addresses

    alerts("chauffe")
    call_command("send_veille_alerts", verbosity=0, stdout=io.StringIO())
    duration = whole_mailing_run(site, "send_veille_alerts", alerts)
    killed_count = 0
    for trial, delay in enumerate(trials("send_veille_alerts", duration)):
        addresses = alerts(trial)
        before = site.outbox()
        killed = killed_run("send_veille_alerts", delay=delay)
        killed_count += killed
        done = set(
            Alert.objects.filter(email__in=addresses, last_sent_on__isnull=False).values_list(
                "email", flat=True
            )
        )
        assert done <= {to for to, _ in site.sent(since=before)}
        call_command("send_veille_alerts", verbosity=0, stdout=io.StringIO())
        check_deliveries(site.sent(since=before), addresses, killed=killed)
        call_command("send_veille_alerts", verbosity=0, stdout=io.StringIO())
    assert Alert.objects.filter(last_sent_on=NOW.date()).count() == (TRIALS + 3) * 3
    assert killed_count >= MID_RUN
