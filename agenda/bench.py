"""The agenda's pages measured by the benchmarks: the agenda, its month view, a recurring
event; its feeds: the whole-agenda ICS, one structure's ICS and the RSS feed."""

from agenda.models import AgendaPage, EventPage
from structures.models import StructurePage
from website.bench import Page


def pages() -> list[Page]:
    agenda = AgendaPage.objects.live().first()
    if agenda is None:
        return []
    measured = [
        Page("agenda", agenda.url, main=True),
        Page("agenda du mois", agenda.url + agenda.reverse_subpage("month_current")),
    ]
    event = EventPage.objects.live().exclude(recurrence="").order_by("pk").first()
    if event:
        measured.append(Page("événement récurrent", event.url, main=True))
    return measured


def feeds() -> list[Page]:
    agenda = AgendaPage.objects.live().first()
    if agenda is None:
        return []
    measured = [
        Page("agenda ICS", agenda.url + agenda.reverse_subpage("ics")),
        Page("agenda RSS", agenda.url + agenda.reverse_subpage("rss")),
    ]
    structure = (
        StructurePage.objects.live().filter(slug="clef-chantemerle").first()
        or StructurePage.objects.live().order_by("pk").first()
    )
    if structure:
        url = agenda.url + agenda.reverse_subpage("structure_ics", args=[structure.slug])
        measured.append(Page("ICS d'une structure", url))
    return measured
