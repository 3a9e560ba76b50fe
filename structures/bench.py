"""The structures' pages measured by the benchmarks: the directory (plain, filtered, by
distance), a place, its orientation sheet, a structure, the news; their feed and the
national-standard export."""

from structures.models import LieuIndexPage, LieuPage, NewsIndexPage, StructurePage
from website.bench import Page


def pages() -> list[Page]:
    directory = LieuIndexPage.objects.get()
    news = NewsIndexPage.objects.get()
    place = LieuPage.objects.live().order_by("pk").first()
    structure = StructurePage.objects.live().order_by("pk").first()
    measured = [
        Page("annuaire", directory.url, main=True),
        Page(
            "annuaire filtré",
            directory.url
            + "?services=Aide+aux+d%C3%A9marches+administratives&gratuit=on&quand=vendredi&moment=matin",
        ),
        Page("annuaire par distance", directory.url + "?code_postal=73000"),
        Page("actualités", news.url),
    ]
    if place:
        measured += [
            Page("lieu", place.url, main=True),
            Page("fiche d'orientation", place.fiche_url()),
        ]
    if structure:
        measured.append(Page("structure", structure.url))
    return measured


def feeds() -> list[Page]:
    directory = LieuIndexPage.objects.get()
    news = NewsIndexPage.objects.get()
    return [
        Page("actualités RSS", news.url + "rss/"),
        Page("lieux CSV (standard national)", directory.export_urls()["csv"]),
    ]
