"""The bilans' pages measured by the benchmarks: the review days, the network's action board,
the method library, a method, the latest review day and its print version."""

from bilans.models import BilanIndexPage, BilanPage, MethodIndexPage, MethodPage
from website.bench import Page


def pages() -> list[Page]:
    index = BilanIndexPage.objects.live().first()
    if index is None:
        return []
    measured = [
        Page("bilans", index.url),
        Page("tableau des actions", index.url + index.reverse_subpage("network_board")),
    ]
    library = MethodIndexPage.objects.live().first()
    if library:
        measured.append(Page("bibliothèque de méthodes", library.url))
    method = MethodPage.objects.live().order_by("pk").first()
    if method:
        measured.append(Page("méthode", method.url))
    bilan = BilanPage.objects.live().order_by("-date").first()
    if bilan:
        measured += [
            Page("journée bilan", bilan.url),
            Page("journée bilan imprimable", bilan.url + bilan.reverse_subpage("print")),
        ]
    return measured
