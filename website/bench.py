"""The site's pages measured by the benchmarks: the home page, each section, a standard page, search."""

from website.models import HomePage, StandardPage


def pages() -> list[tuple[str, str]]:
    home = HomePage.objects.get()
    measured = [("accueil", home.url)]
    measured += [
        (f"section {section.slug}", section.url) for section in home.get_children().live().in_menu()
    ]
    standard = StandardPage.objects.live().first()
    if standard:
        measured.append(("page simple", standard.url))
    measured.append(("recherche", "/recherche/?q=atelier+numerique"))
    return measured
