"""The structures' pages measured by the benchmarks."""

from structures.models import LieuIndexPage, LieuPage, NewsIndexPage, StructurePage


def pages() -> list[tuple[str, str]]:
    directory = LieuIndexPage.objects.get()
    news = NewsIndexPage.objects.get()
    place = LieuPage.objects.live().order_by("pk").first()
    structure = StructurePage.objects.live().order_by("pk").first()
    measured = [
        ("annuaire", directory.url),
        (
            "annuaire filtré",
            directory.url
            + "?services=Aide+aux+d%C3%A9marches+administratives&gratuit=on&quand=vendredi&moment=matin",
        ),
        ("annuaire par distance", directory.url + "?code_postal=73000"),
        ("actualités", news.url),
        ("actualités RSS", news.url + "rss/"),
    ]
    if place:
        measured += [("lieu", place.url), ("fiche d'orientation", place.fiche_url())]
    if structure:
        measured.append(("structure", structure.url))
    return measured
