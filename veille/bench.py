"""The watch's pages measured by the benchmarks: the watch, filtered and archived, and the call
closing next; its two feeds."""

from django.utils import timezone

from veille import selectors
from veille.models import VeilleIndexPage
from website.bench import Page


def pages() -> list[Page]:
    watch = VeilleIndexPage.objects.live().first()
    if watch is None:
        return []
    measured = [
        Page("veille", watch.url, main=True),
        Page("veille filtrée", watch.url + "?statut=ouvert&theme=inclusion-numerique&ouvert_a=CS"),
        Page("veille archives", watch.url + watch.reverse_subpage("archive")),
    ]
    closing_next = selectors.open_calls(timezone.now(), 1)
    if closing_next:
        measured.append(Page("appel à projets", closing_next[0].url))
    return measured


def feeds() -> list[Page]:
    watch = VeilleIndexPage.objects.live().first()
    if watch is None:
        return []
    return [
        Page("veille ICS", watch.url + watch.reverse_subpage("ics")),
        Page("veille RSS", watch.url + watch.reverse_subpage("rss")),
    ]
