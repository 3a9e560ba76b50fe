"""The agenda's pages measured by the benchmarks."""

from agenda.models import AgendaPage, EventPage
from structures.models import StructurePage


def pages() -> list[tuple[str, str]]:
    agenda = AgendaPage.objects.live().first()
    if agenda is None:
        return []
    measured = [
        ("agenda", agenda.url),
        ("agenda ICS", agenda.url + agenda.reverse_subpage("ics")),
    ]
    event = EventPage.objects.live().exclude(recurrence="").order_by("pk").first()
    if event:
        measured.append(("événement récurrent", event.url))
    structure = (
        StructurePage.objects.live().filter(slug="clef-chantemerle").first()
        or StructurePage.objects.live().order_by("pk").first()
    )
    if structure:
        url = agenda.url + agenda.reverse_subpage("structure_ics", args=[structure.slug])
        measured.append(("ICS d'une structure", url))
    return measured
