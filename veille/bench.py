"""The watch's pages measured by the benchmarks: the watch, filtered and archived, its two feeds,
and the call closing next."""

from django.utils import timezone

from veille import selectors
from veille.models import VeilleIndexPage


def pages() -> list[tuple[str, str]]:
    watch = VeilleIndexPage.objects.live().first()
    if watch is None:
        return []
    measured = [
        ("veille", watch.url),
        ("veille filtrée", watch.url + "?statut=ouvert&theme=inclusion-numerique&ouvert_a=CS"),
        ("veille archives", watch.url + watch.reverse_subpage("archive")),
        ("veille ICS", watch.url + watch.reverse_subpage("ics")),
        ("veille RSS", watch.url + watch.reverse_subpage("rss")),
    ]
    closing_next = selectors.open_calls(timezone.now(), 1)
    if closing_next:
        measured.append(("appel à projets", closing_next[0].url))
    return measured
