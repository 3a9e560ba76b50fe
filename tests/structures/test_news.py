import datetime

import pytest
from defusedxml import ElementTree as ET

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from structures.factories import NewsPageFactory, StructurePageFactory
from structures.models import StructureIndexPage


@pytest.fixture
def structure(home):
    return StructurePageFactory(
        parent=StructureIndexPage.objects.get(), title="Régie Coup de Pouce"
    )


def publish_news(structure, count, **fields):
    return [
        NewsPageFactory(
            parent=structure,
            title=f"Nouvelle {n}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            **fields,
        )
        for n in range(count)
    ]


def test_news_are_listed_newest_first_with_their_structure(client, structure):
    publish_news(structure, 3)
    page = client.get("/actualites/").content.decode()
    assert page.index("Nouvelle 2") < page.index("Nouvelle 1") < page.index("Nouvelle 0")
    assert "Régie Coup de Pouce" in page


def test_drafts_and_private_news_stay_out_of_the_listing_and_the_feed(client, structure):
    draft = NewsPageFactory(parent=structure, title="Brouillon secret", live=False)
    private = NewsPageFactory(parent=structure, title="Réservée aux membres")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert not draft.live
    for url in ["/actualites/", "/actualites/rss/", "/"]:
        body = client.get(url).content.decode()
        assert "Brouillon secret" not in body
        assert "Réservée aux membres" not in body


def test_the_news_page_advertises_its_rss_feed(client, home):
    page = client.get("/actualites/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in page
    assert 'href="/actualites/rss/"' in page


def test_the_rss_feed_is_valid_and_lists_each_item_with_its_structure(client, structure):
    publish_news(structure, 2)
    response = client.get("/actualites/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Nouvelle 1", "Nouvelle 0"]
    assert items[0].findtext("link").startswith("http://localhost/structures/")
    assert items[0].findtext("{http://purl.org/dc/elements/1.1/}creator") == "Régie Coup de Pouce"


def test_a_feed_reader_polling_an_unchanged_feed_gets_304(client, structure):
    publish_news(structure, 1)
    first = client.get("/actualites/rss/")
    assert client.get("/actualites/rss/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert (
        client.get("/actualites/rss/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code
        == 304
    )


def test_the_feed_changes_its_etag_when_a_news_item_is_published_or_withdrawn(client, structure):
    (item,) = publish_news(structure, 1)
    before = client.get("/actualites/rss/")["ETag"]
    NewsPageFactory(parent=structure, title="Autre")
    after_publication = client.get("/actualites/rss/")["ETag"]
    item.unpublish()
    after_withdrawal = client.get("/actualites/rss/")["ETag"]
    assert len({before, after_publication, after_withdrawal}) == 3


def test_the_home_page_shows_the_three_latest_news(client, structure):
    publish_news(structure, 4)
    page = client.get("/").content.decode()
    assert "Nouvelle 3" in page and "Nouvelle 1" in page
    assert "Nouvelle 0" not in page


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1%00"])
def test_a_strange_page_number_still_shows_a_page_of_news(client, structure, value):
    publish_news(structure, 1)
    assert client.get("/actualites/", {"page": value}).status_code == 200


def test_the_news_listing_costs_the_same_queries_for_3_or_12_items(
    client, structure, database_cache
):
    def queries() -> int:
        client.get("/actualites/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/actualites/")
        return len(captured)

    publish_news(structure, 3)
    few = queries()
    for n in range(9):
        NewsPageFactory(parent=structure, title=f"Autre {n}")
    assert queries() == few


def test_the_rss_feed_costs_the_same_queries_for_3_or_12_items(client, structure, database_cache):
    def queries() -> int:
        client.get("/actualites/rss/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/actualites/rss/")
        return len(captured)

    publish_news(structure, 3)
    few = queries()
    for n in range(9):
        NewsPageFactory(parent=structure, title=f"Autre {n}")
    assert queries() == few
