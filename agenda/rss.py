"""The agenda's upcoming events as RSS, fed by agenda.selectors.upcoming_events: each event
once, by its next session, for whichever filters the agenda page had."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from agenda.recurrence import PARIS
from structures.feeds import StructurePagesFeed

FEED_SIZE = 50


class UpcomingEventsFeed(StructurePagesFeed):
    def __init__(self, *, link: str, title: str, items):
        super().__init__()
        self._link, self._title, self._items = link, title, items

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

    def item_categories(self, item):
        return [item.get_category_display()]
