"""The agenda's pages measured by the benchmarks: the agenda page, a recurring event, and the
whole-agenda and one structure's ICS feeds, each served from the cache and rendered anew."""

from django.core.cache import cache

from agenda.models import AgendaPage, EventPage
from structures.models import StructurePage


def _both_ways(label: str, url: str) -> list[tuple]:
    # The feeds keep their body in the cache until an event changes: time the copy, and a
    # rendering with the cache cleared before each request.
    return [(f"{label} (en cache)", url), (f"{label} (sans cache)", url, cache.clear)]


def pages() -> list[tuple]:
    agenda = AgendaPage.objects.live().first()
    if agenda is None:
        return []
    measured = [("agenda", agenda.url)]
    measured += _both_ways("agenda ICS", agenda.url + agenda.reverse_subpage("ics"))
    event = EventPage.objects.live().exclude(recurrence="").order_by("pk").first()
    if event:
        measured.append(("événement récurrent", event.url))
    structure = (
        StructurePage.objects.live().filter(slug="clef-chantemerle").first()
        or StructurePage.objects.live().order_by("pk").first()
    )
    if structure:
        url = agenda.url + agenda.reverse_subpage("structure_ics", args=[structure.slug])
        measured += _both_ways("ICS d'une structure", url)
    return measured
