"""The agenda's upcoming events as RSS, fed by agenda.selectors.upcoming_events: each event
once, by its next session, for whichever filters the agenda page had."""

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from agenda.recurrence import PARIS

FEED_SIZE = 50


class UpcomingEventsFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, *, link: str, title: str, items):
        super().__init__()
        self._link, self._title, self._items = link, title, items

    def get_object(self, request, *args, **kwargs):
        # Kept so that event URLs reuse the request's cached site root paths.
        self.request = request

    def title(self):
        return self._title

    def link(self):
        return self._link

    def description(self):
        return _("Les prochains événements des structures du réseau.")

    def items(self):
        return self._items

    def item_title(self, item):
        if item.is_cancelled:
            return _("%(title)s (annulé)") % {"title": item.title}
        return item.title

    def item_description(self, item):
        # The description is HTML for feed readers: the event's text goes in escaped.
        start = timezone.localtime(item.next_start, PARIS)
        when = date_format(start, "l j F Y" if item.next_all_day else r"l j F Y, H\hi")
        return f"<p>{escape(when.capitalize())}</p><p>{escape(item.summary)}</p>"

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_author_name(self, item):
        return item.structure_title

    def item_categories(self, item):
        return [item.get_category_display()]
