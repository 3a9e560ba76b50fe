"""The bilans' pages measured by the benchmarks: the review days, the method library, a
method, the largest review day, its print version, and the network's action board."""

from bilans.models import BilanIndexPage, BilanPage, MethodIndexPage, MethodPage


def pages() -> list[tuple]:
    index = BilanIndexPage.objects.live().first()
    if index is None:
        return []
    measured = [
        ("bilans", index.url),
        ("tableau des actions", index.url + index.reverse_subpage("network_board")),
    ]
    library = MethodIndexPage.objects.live().first()
    if library:
        measured.append(("méthodes", library.url))
    method = MethodPage.objects.live().order_by("pk").first()
    if method:
        measured.append(("méthode", method.url))
    bilan = BilanPage.objects.live().order_by("-date").first()
    if bilan:
        measured += [
            ("journée bilan", bilan.url),
            ("journée bilan imprimable", bilan.url + bilan.reverse_subpage("print")),
        ]
    return measured
