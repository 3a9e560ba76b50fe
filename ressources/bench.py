"""The wiki's pages measured by the benchmarks: its home, recent changes, the resource with the
longest history, that history and its two latest versions compared; the recent changes' feed."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode

from wagtail.models import Revision

from ressources.history import visible_revisions
from ressources.models import RessourceIndexPage, RessourcePage
from website.bench import Page


def _longest_history() -> RessourcePage | None:
    # The heaviest history and comparison a visitor can ask for.
    counts = (
        Revision.objects.filter(content_type=ContentType.objects.get_for_model(RessourcePage))
        .values("object_id")
        .annotate(versions=Count("pk"))
        .order_by("-versions", "object_id")
    )
    live = RessourcePage.objects.live().public()
    for row in counts[:20]:
        page = live.filter(pk=int(row["object_id"])).first()
        if page:
            return page
    return live.order_by("pk").first()


def pages() -> list[Page]:
    home = RessourceIndexPage.objects.live().first()
    if home is None:
        return []
    measured = [
        Page("accueil du wiki", home.url, main=True),
        Page("modifications récentes", home.url + home.reverse_subpage("recent_changes")),
    ]
    ressource = _longest_history()
    if ressource is None:
        return measured
    measured += [
        Page("ressource", ressource.url, main=True),
        Page("historique", ressource.url + ressource.reverse_subpage("history")),
    ]
    versions = list(visible_revisions(ressource, editor=False).values_list("pk", flat=True)[:2])
    if len(versions) == 2:
        newest, older = versions
        query = urlencode({"de": older, "a": newest})
        measured.append(
            Page(
                "comparaison de versions",
                f"{ressource.url}{ressource.reverse_subpage('compare')}?{query}",
            )
        )
    return measured


def feeds() -> list[Page]:
    home = RessourceIndexPage.objects.live().first()
    if home is None:
        return []
    # The address the wiki links to (the page's own route answers 404 for `.xml`).
    return [Page("modifications Atom", reverse("ressources_changes_feed"))]
