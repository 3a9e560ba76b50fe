"""The anonymous page cache (website/page_cache.py): shared only when it cannot differ between
visitors, forgotten at the first write of anything a public page shows, and never served past
the moment its content changes with the clock."""

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction, Site

from agenda.factories import EventPageFactory
from agenda.models import AgendaPage
from ressources.factories import RessourcePageFactory
from ressources.models import Comment, RessourceIndexPage
from structures.factories import LieuPageFactory, StructurePageFactory
from structures.models import LieuIndexPage, StructureIndexPage, StructurePage
from veille.factories import AppelPageFactory, FunderFactory
from veille.models import VeilleIndexPage
from website import page_cache
from website.factories import StandardPageFactory, UserFactory
from website.models import NetworkSettings

PARIS = ZoneInfo("Europe/Paris")
# Tuesday 10 November 2026, 10:00 in Paris.
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=PARIS)
IMPORT_FILE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "standard" / "exemple-valide.csv"
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.RELAIS_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def home(home):
    # Created on the first page otherwise: a write, which would empty the cache.
    NetworkSettings.for_site(Site.objects.get(is_default_site=True))
    return home


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def structure(home, clock):
    return StructurePageFactory(parent=StructureIndexPage.objects.get(), title="CLEF Chantemerle")


def cached(client, url: str) -> str:
    """Read `url` twice as a visitor: the second answer comes from the cache. Its text."""
    first = client.get(url)
    assert first.status_code == 200, url
    assert first["X-Cache"] == "miss", url
    second = client.get(url)
    assert second["X-Cache"] == "hit", url
    assert second.content == first.content
    return second.content.decode()


def fresh(client, url: str) -> str:
    """Read `url` once more: it must be rendered again (the cache was invalidated). Its text."""
    response = client.get(url)
    assert response["X-Cache"] == "miss", url
    return response.content.decode()


# --- What is shared --------------------------------------------------------------------------


def test_a_page_read_twice_comes_from_the_cache_with_fresh_security_headers(client, structure):
    first = client.get(structure.url)
    second = client.get(structure.url)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    # The outer middleware add their headers to each answer: each has its own nonce.
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
    assert "Set-Cookie" not in second


def test_a_worker_keeps_few_and_small_bodies_in_its_own_memory(client, structure, monkeypatch):
    """Large answers (the whole agenda's ICS) are served from the shared cache only."""
    monkeypatch.setattr(page_cache, "LOCAL_ENTRY_BYTES", 100)
    assert client.get(structure.url)["X-Cache"] == "miss"
    assert client.get(structure.url)["X-Cache"] == "hit"
    assert page_cache._local == {}
    monkeypatch.setattr(page_cache, "LOCAL_ENTRY_BYTES", 10**6)
    # Room for one of the two pages, not both: the one read last stays.
    both = len(client.get(structure.url).content) + len(client.get("/").content)
    monkeypatch.setattr(page_cache, "LOCAL_BYTES", both - 1)
    page_cache._forget_local()
    client.get(structure.url)
    client.get("/")
    assert list(page_cache._local) == [page_cache._key(client.get("/").wsgi_request)]
    assert page_cache.local_bytes() <= page_cache.LOCAL_BYTES


def test_head_and_revalidation_are_answered_from_the_cache(client, structure):
    page = client.get(structure.url)
    head = client.head(structure.url)
    assert (head.status_code, head["X-Cache"], head.content) == (200, "hit", b"")
    revalidated = client.get(structure.url, HTTP_IF_NONE_MATCH=page["ETag"])
    assert revalidated.status_code == 304


def test_each_query_string_is_its_own_page_and_errors_are_not_kept(client, structure):
    cached(client, structure.url)
    assert client.get(structure.url + "?x=1")["X-Cache"] == "miss"
    missing = structure.url + "nulle-part/"
    assert client.get(missing).status_code == 404
    assert client.get(missing)["X-Cache"] == "miss"


def test_a_signed_in_person_is_never_served_from_the_cache(client, structure):
    cached(client, structure.url)
    user = UserFactory(username="camille")
    client.force_login(user)
    response = client.get(structure.url)
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "Mon espace" in response.content.decode()
    assert client.get(structure.url).get("X-Cache") is None


def test_pages_carrying_a_csrf_token_are_never_shared_between_visitors(client, home, clock):
    from django.test import Client

    watch = VeilleIndexPage.objects.get()
    other = Client(HTTP_HOST="localhost")
    tokens = []
    for visitor in (client, other, client):
        # The alert form, a sub-page of the watch.
        response = visitor.get(watch.url + "alerte/?recherche=statut%3Douvert")
        assert response.status_code == 200
        assert response["X-Cache"] == "miss"
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()
        tokens.append(response.cookies["csrftoken"].value)
    assert tokens[0] != tokens[1]


def test_a_private_page_is_never_cached(client, home):
    page = StandardPageFactory(parent=home, title="Réservé au réseau", intro="Secret du réseau")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="sesame"
    )
    for _attempt in range(2):
        response = client.get(page.url)
        assert response["X-Cache"] == "miss"
        assert "Secret du réseau" not in response.content.decode()
    key = page_cache._key(client.get(page.url).wsgi_request)
    assert page_cache.cache.get(key) is None


def test_switched_off_nothing_is_read_or_kept(client, structure, settings):
    settings.RELAIS_PAGE_CACHE_SECONDS = 0
    assert "X-Cache" not in client.get(structure.url)
    assert "X-Cache" not in client.get(structure.url)


# --- Invalidation ------------------------------------------------------------------------------


def test_publishing_an_event_shows_it_on_the_agenda_and_the_home_page(client, structure):
    agenda = AgendaPage.objects.get()
    assert "Atelier smartphone" not in cached(client, agenda.url)
    assert "Atelier smartphone" not in cached(client, "/")
    event = EventPageFactory(
        parent=structure, title="Atelier smartphone", start=NOW + timedelta(days=1), live=False
    )
    event.save_revision().publish()
    assert "Atelier smartphone" in fresh(client, agenda.url)
    assert "Atelier smartphone" in fresh(client, "/")
    assert "Atelier smartphone" in cached(client, event.url)

    event.refresh_from_db()
    event.unpublish()
    assert "Atelier smartphone" not in fresh(client, agenda.url)
    assert fresh_status(client, event.url) == 404


def fresh_status(client, url: str) -> int:
    return client.get(url).status_code


def test_editing_a_places_opening_hours_shows_at_once(client, structure):
    lieu = LieuPageFactory(parent=structure, horaires="Mo-Fr 09:00-12:00")
    assert "Ouvert maintenant" in cached(client, lieu.url)
    lieu.horaires = "Mo-Fr 14:00-17:00"
    lieu.save_revision().publish()
    page = fresh(client, lieu.url)
    assert "Ouvert maintenant" not in page
    assert "14 h" in page


def test_moving_and_deleting_a_page_shows_at_once(client, structure):
    other = StructurePageFactory(parent=StructureIndexPage.objects.get(), title="Régie")
    lieu = LieuPageFactory(parent=structure, title="Espace du Piochet")
    directory = LieuIndexPage.objects.get().url
    assert lieu.url in cached(client, directory)
    lieu.move(other, pos="last-child")
    lieu.refresh_from_db()
    assert lieu.url.startswith(other.url)
    assert lieu.url in fresh(client, directory)
    lieu.delete()
    assert "Espace du Piochet" not in fresh(client, directory)


def test_a_calls_deadline_and_a_funder_snippet_show_at_once(client, home, clock):
    funder = FunderFactory(name="Fondation Solidaire")
    call = AppelPageFactory(parent=VeilleIndexPage.objects.get(), funders=[funder])
    assert "Fondation Solidaire" in cached(client, call.url)
    funder.name = "Fondation Numérique Solidaire"
    funder.save()
    assert "Fondation Numérique Solidaire" in fresh(client, call.url)
    call.deadline = NOW.date() + timedelta(days=3)
    call.save_revision().publish()
    assert "13 novembre 2026" in fresh(client, call.url)


def test_a_comment_posted_or_hidden_by_a_bulk_update_shows_at_once(client, home, clock):
    ressource = RessourcePageFactory(parent=RessourceIndexPage.objects.get())
    author = UserFactory(username="dominique")
    assert "Merci pour la fiche" not in cached(client, ressource.url)
    comment = Comment.objects.create(page=ressource, author=author, body="Merci pour la fiche")
    assert "Merci pour la fiche" in cached(client, ressource.url)
    # A queryset update sends no signal: the SQL is seen all the same.
    Comment.objects.filter(pk=comment.pk).update(hidden_at=NOW)
    assert "Merci pour la fiche" not in fresh(client, ressource.url)


def test_a_membership_or_any_other_row_changes_the_generation(structure):
    from structures.models import Membership

    before = page_cache.generation()
    Membership.objects.create(user=UserFactory(), structure=structure)
    assert page_cache.generation() != before


def test_writes_in_a_row_set_one_token_until_this_process_reads_it(structure):
    """A bulk write (an import, seed_scale) replaces the token once, not once per row; a token
    read between two writes (a page rendered) is replaced again at the next one."""

    def stored():  # the token as it is stored, read without counting as read
        return cache.get(page_cache.GENERATION_KEY)

    before = page_cache.generation()
    UserFactory(username="une")
    first = stored()
    UserFactory(username="deux")
    UserFactory(username="trois")
    assert first != before
    assert stored() == first
    assert page_cache.generation() == first
    UserFactory(username="quatre")
    assert stored() != first


def test_an_import_shows_its_places_in_the_directory_at_once(client, home):
    directory = LieuIndexPage.objects.get()
    assert "Anonymal" not in cached(client, directory.url)
    call_command("import_lieux", str(IMPORT_FILE), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "Anonymal" in fresh(client, directory.url)


def test_bookkeeping_writes_keep_the_cache(client, structure):
    user = UserFactory(username="sacha")
    cached(client, structure.url)
    client.force_login(user)  # a session row, the login time on the account, the login log
    client.logout()
    assert client.get(structure.url)["X-Cache"] == "hit"


def test_a_new_section_shows_in_the_navigation_of_every_page(client, home, structure):
    user = UserFactory(username="alix")
    assert "Nouvelle rubrique" not in cached(client, structure.url)
    StandardPageFactory(parent=home, title="Nouvelle rubrique", show_in_menus=True)
    assert "Nouvelle rubrique" in fresh(client, structure.url)
    # The navigation is kept by each process for signed-in people too, and follows as well.
    client.force_login(user)
    assert "Nouvelle rubrique" in client.get(structure.url).content.decode()
    StandardPageFactory(parent=home, title="Autre rubrique", show_in_menus=True)
    assert "Autre rubrique" in client.get(structure.url).content.decode()


def test_with_the_database_cache_a_write_invalidates_when_it_commits(
    client, structure, database_cache
):
    cached(client, structure.url)
    with CaptureQueriesContext(connection) as hit:
        assert client.get(structure.url)["X-Cache"] == "hit"
    # One cache read (the generation): the body comes from the process's own copy.
    assert len(hit.captured_queries) == 1
    structure.title = "CLEF de Chantemerle"
    structure.save()
    # The test's transaction is not committed: others still read the old content, so a page
    # rendered now must be kept under the old generation.
    assert client.get(structure.url)["X-Cache"] == "hit"
    at_commit = [
        hook for _ids, hook, _robust in connection.run_on_commit if hook is page_cache.bump
    ]
    assert len(at_commit) == 1
    at_commit[0]()  # what the commit runs
    assert "CLEF de Chantemerle" in fresh(client, structure.url)


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_on_sqlite_the_token_is_a_file_and_a_hit_reads_no_database(
    client, structure, database_cache, settings, tmp_path
):
    # Only the settings are read: the connection stays the test database's.
    database = tmp_path / "relais.sqlite3"
    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(database),
        }
    }
    cached(client, structure.url)
    with CaptureQueriesContext(connection) as hit:
        assert client.get(structure.url)["X-Cache"] == "hit"
    assert hit.captured_queries == []
    token = Path(f"{database}.page-generation").read_text()
    structure.title = "CLEF de Chantemerle"
    structure.save()
    assert Path(f"{database}.page-generation").read_text() != token
    assert "CLEF de Chantemerle" in fresh(client, structure.url)


# --- Time ----------------------------------------------------------------------------------------


def test_a_place_cached_before_noon_shows_closed_after_it_closes(client, structure, clock):
    lieu = LieuPageFactory(parent=structure, horaires="Mo-Fr 09:00-12:00")
    clock.move_to(datetime.combine(NOW.date(), time(11, 59), tzinfo=PARIS))
    assert "Ouvert maintenant" in cached(client, lieu.url)
    clock.move_to(datetime.combine(NOW.date(), time(12, 1), tzinfo=PARIS))
    page = fresh(client, lieu.url)
    assert "Ouvert maintenant" not in page
    assert "Fermé" in page


def test_a_calls_status_changes_at_midnight_and_at_its_deadline_time(client, home, clock):
    index = VeilleIndexPage.objects.get()
    today = NOW.date()
    by_day = AppelPageFactory(parent=index, title="Appel du jour", deadline=today)
    by_time = AppelPageFactory(
        parent=index, title="Appel de midi", deadline=today, deadline_time=time(12, 0)
    )
    clock.move_to(datetime.combine(today, time(11, 59), tzinfo=PARIS))
    assert "Clos" not in cached(client, by_time.url)
    assert "Appel de midi" in cached(client, "/")
    clock.move_to(datetime.combine(today, time(12, 0), tzinfo=PARIS))
    assert "Clos" in fresh(client, by_time.url)
    assert "Appel de midi" not in fresh(client, "/")

    clock.move_to(datetime.combine(today, time(23, 59), tzinfo=PARIS))
    assert "Clos" not in cached(client, by_day.url)
    clock.move_to(datetime.combine(today + timedelta(days=1), time(0, 1), tzinfo=PARIS))
    assert "Clos" in fresh(client, by_day.url)


def test_a_session_leaves_the_home_page_and_the_agenda_when_it_ends(client, structure, clock):
    EventPageFactory(
        parent=structure,
        title="Permanence du matin",
        start=NOW - timedelta(hours=1),
        end=NOW + timedelta(hours=2),
    )
    agenda = AgendaPage.objects.get()
    assert "Permanence du matin" in cached(client, "/")
    assert "Permanence du matin" in cached(client, agenda.url)
    clock.shift(timedelta(hours=2, minutes=1))
    assert "Permanence du matin" not in fresh(client, "/")
    assert "Permanence du matin" not in fresh(client, agenda.url)


def test_the_wiki_home_drops_most_discussed_when_the_last_comment_counted_is_too_old(
    client, home, clock
):
    ressource = RessourcePageFactory(parent=RessourceIndexPage.objects.get())
    Comment.objects.create(
        page=ressource,
        author=UserFactory(),
        body="Très utile",
        # Counted for one more minute (in UTC: 90 days back from Paris crosses a clock change).
        created_at=NOW.astimezone(UTC) - timedelta(days=90, minutes=-1),
    )
    wiki = RessourceIndexPage.objects.get().url
    assert "Les plus discutées" in cached(client, wiki)
    clock.shift(timedelta(minutes=1, seconds=1))
    assert "Les plus discutées" not in fresh(client, wiki)


def test_a_page_expires_at_the_latest_after_the_default_lifetime(client, structure, clock):
    cached(client, structure.url)
    clock.shift(timedelta(seconds=299))
    assert client.get(structure.url)["X-Cache"] == "hit"
    clock.shift(timedelta(seconds=2))
    fresh(client, structure.url)


def test_a_clock_set_back_never_reads_a_page_rendered_later(client, structure, clock):
    cached(client, structure.url)
    clock.shift(timedelta(minutes=-1))
    fresh(client, structure.url)


# --- Feeds ---------------------------------------------------------------------------------------


def test_an_events_own_calendar_answers_304_until_the_event_changes(client, structure, settings):
    settings.RELAIS_PAGE_CACHE_SECONDS = 0  # the view's own answer, not the cache's
    event = EventPageFactory(parent=structure, title="Atelier tablette", live=False)
    event.save_revision().publish()
    url = event.url + "ics/"
    first = client.get(url)
    assert first.status_code == 200
    assert "Atelier tablette" in first.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    event.refresh_from_db()
    event.title = "Atelier tablette et smartphone"
    event.save_revision().publish()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Atelier tablette et smartphone" in changed.content.decode()


def test_a_cached_feed_still_answers_304(client, structure):
    agenda = AgendaPage.objects.get()
    first = client.get(agenda.url + "ics/")
    assert (first.status_code, first["X-Cache"]) == (200, "miss")
    again = client.get(agenda.url + "ics/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_setup_site_at_a_deployment_forgets_the_pages_of_the_previous_code(
    client, structure, django_capture_on_commit_callbacks
):
    cached(client, structure.url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup_site", verbosity=0)
    fresh(client, structure.url)


def test_a_write_before_the_cache_table_exists_still_saves(settings, structure):
    # What `migrate` does on a new database, before `createcachetable`.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "table_pas_encore_creee",
        }
    }
    page_cache.bump()
    structure.title = "CLEF de Chantemerle"
    structure.save()
    assert StructurePage.objects.get(pk=structure.pk).title == "CLEF de Chantemerle"
