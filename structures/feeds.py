"""The network's news as RSS, fed by structures.selectors."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from structures.selectors import published_news

FEED_SIZE = 30


class StructurePagesFeed(Feed):
    """RSS of pages annotated with their structure's title (structures.selectors.with_structure)."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        # Kept so that page URLs reuse the request's cached site root paths.
        self.request = request

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_author_name(self, item):
        return item.structure_title


class NewsFeed(StructurePagesFeed):
    title = _("Actualités du réseau")
    description = _("Les actualités publiées par les structures du réseau.")

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def link(self):
        return self.index_page.get_full_url(self.request)

    def items(self):
        return published_news()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro or item.get_listing_summary()
