"""The site, its root paths and the network's settings come from memory on a page request, and
from the database again the moment any of them changes (website.site_lookup)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

from website.models import NetworkSettings


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_a_page_asks_neither_for_the_site_nor_its_root_paths_nor_the_settings(
    client, home, database_cache
):
    client.get("/")
    queries = _queries(client, "/")
    assert not [sql for sql in queries if "wagtailcore_site" in sql]
    assert not [sql for sql in queries if "website_networksettings" in sql]
    # The root paths live in the cache, a table here: the only cache read left is the content's
    # generation token, which says whether what is in memory is still current.
    reads = [sql for sql in queries if "test_cache" in sql]
    assert len(reads) == 1


def test_a_change_of_settings_shows_on_the_next_page(client, home):
    site = Site.objects.get(is_default_site=True)
    settings = NetworkSettings.for_site(site)
    settings.network_name = "Réseau de la Combe"
    settings.save()
    assert "Réseau de la Combe" in client.get("/").text

    settings.network_name = "Réseau des Hauts"
    settings.save()
    page = client.get("/").text
    assert "Réseau des Hauts" in page
    assert "Réseau de la Combe" not in page


def test_a_new_site_for_another_host_is_found_at_once(client, home):
    client.get("/")
    other_root = home.add_child(instance=home.__class__(title="Autre réseau", slug="autre"))
    Site.objects.create(hostname="autre.example.org", port=80, root_page=other_root)
    answer = client.get("/", HTTP_HOST="autre.example.org")
    assert answer.status_code == 200
    assert answer.context["page"].pk == other_root.pk
    assert client.get("/").context["page"].pk == home.pk


def test_a_refused_host_is_not_remembered(client, home, settings):
    settings.ALLOWED_HOSTS = ["relais.example.org"]
    assert client.get("/", HTTP_HOST="pirate.example.net").status_code == 400
    assert client.get("/", HTTP_HOST="relais.example.org").status_code == 200
