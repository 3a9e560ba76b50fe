"""Drafts and private pages never leak: not through listings, feeds (RSS, Atom, ICS), the
sitemap, the exports of the national standard, the search or "Mon espace".

Every page type that something lists gets, beside a public control page ("zqvisible"), a
draft never published, a page behind a password, one restricted to a group nobody here is
in, and a live page whose newer, unpublished version says "zqcache"; a structure behind a
login holds a place, a news item, an event and a call ("zqconnexion"). Every surface is read
once, as a visitor and as a member of another structure, and must show the control pages
and none of the others.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils.text import slugify

from wagtail.models import PageViewRestriction

from agenda.factories import EventPageFactory
from bilans.factories import BilanPageFactory, MethodPageFactory
from ressources.factories import RessourcePageFactory
from ressources.models import RessourcePage
from structures.factories import LieuPageFactory, NewsPageFactory, StructurePageFactory
from tests.permissions import (
    Network,
    build_network,
    client_for,
    module_network,
    named_url,
    page_url,
    with_index_pages,
)
from veille.factories import AppelPageFactory
from website.factories import StandardPageFactory

CLOCK = datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
VISIBLE, HIDDEN, LOGIN_ONLY = "zqvisible", "zqcache", "zqconnexion"
HOW_HIDDEN = ["nouvelle version", "brouillon", "mot de passe", "groupe"]
# A search result: its address and the first word of its title (the kind, here).
RESULT = re.compile(r'class="search-result__title"><a href="([^"]+)">(\w+) ')

# kind: (factory, where it goes)
KINDS = {
    "lieu": (LieuPageFactory, "structure_A"),
    "actualite": (NewsPageFactory, "structure_A"),
    "evenement": (EventPageFactory, "structure_A"),
    "evenement_reseau": (EventPageFactory, "agenda"),
    "appel": (AppelPageFactory, "structure_A"),
    "appel_veille": (AppelPageFactory, "veille"),
    "ressource": (RessourcePageFactory, "wiki"),
    "bilan": (BilanPageFactory, "bilans"),
    "methode": (MethodPageFactory, "methodes"),
    "page": (StandardPageFactory, "accueil"),
}


def _restrict(page, kind: str, *, group=None) -> None:
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password="secret" if kind == "password" else ""
    )
    if group is not None:
        restriction.groups.set([group])


def build_hidden_network() -> Network:
    with time_machine.travel(CLOCK, tick=False):
        network = with_index_pages(build_network())
        pages = network.pages
        nobody = Group.objects.create(name="Groupe sans membres")
        for kind, (factory, parent) in KINDS.items():
            parent = pages[parent]
            shown = factory(parent=parent, title=f"{kind} {VISIBLE}")
            shown.save_revision().publish()  # logged, as the wiki's recent changes read it
            pages[f"{kind}_visible"] = shown
            shown.title = f"{kind} {HIDDEN} nouvelle version"
            shown.save_revision()  # a draft of a live page, never published
            factory(parent=parent, title=f"{kind} {HIDDEN} brouillon", live=False)
            _restrict(
                factory(parent=parent, title=f"{kind} {HIDDEN} mot de passe"),
                PageViewRestriction.PASSWORD,
            )
            _restrict(
                factory(parent=parent, title=f"{kind} {HIDDEN} groupe"),
                PageViewRestriction.GROUPS,
                group=nobody,
            )
        private = StructurePageFactory(
            parent=pages["structures"], title=f"Structure {LOGIN_ONLY}", slug="structure-c"
        )
        _restrict(private, PageViewRestriction.LOGIN)
        for kind in ("lieu", "actualite", "evenement", "appel"):
            KINDS[kind][0](parent=private, title=f"{kind} {LOGIN_ONLY}")
        # A public resource that names the private structure among its users.
        ressource = RessourcePage.objects.get(pk=pages["ressource_visible"].pk)
        ressource.related_structures.set([private])
        ressource.used_by.set([private])
        ressource.save()  # the live row only: its newer draft stays a draft
        return network


hidden_network = module_network(build_hidden_network)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(CLOCK, tick=False):
        yield


page, named = page_url, named_url


# name: (address, lists public pages of these kinds: the control that must show)
PUBLIC_SURFACES = {
    "accueil": (page("accueil"), True),
    "structures": (page("structures"), False),
    "structure_A": (page("structure_A"), True),
    "annuaire": (page("lieux", "directory"), True),
    "export_csv": (page("lieux", "export_csv"), True),
    "export_json": (page("lieux", "export_json"), True),
    "actualites": (page("actualites", "listing"), True),
    "actualites_rss": (page("actualites", "rss"), True),
    "agenda": (page("agenda", "listing"), True),
    "agenda_semaine": (page("agenda", "week"), True),
    "agenda_mois": (page("agenda", "month_current"), True),
    "agenda_planning": (page("agenda", "planning"), True),
    "agenda_imprimer": (page("agenda", "print"), True),
    "agenda_ics": (page("agenda", "ics"), True),
    "agenda_ics_structure": (page("agenda", "structure_ics", "structure-a"), True),
    "agenda_rss": (page("agenda", "rss"), True),
    "veille": (page("veille", "listing"), True),
    "veille_archives": (page("veille", "archive"), False),
    "veille_ics": (page("veille", "ics"), True),
    "veille_rss": (page("veille", "rss"), True),
    "wiki": (page("wiki"), True),
    "ressource": (page("ressource_visible"), True),
    "wiki_modifications": (page("wiki", "recent_changes"), True),
    "wiki_atom": (named("ressources_changes_feed"), True),
    "bilans": (page("bilans", "listing"), True),
    "bilans_actions": (page("bilans", "network_board"), False),
    "methodes": (page("methodes"), True),
    "sitemap": (lambda network: "/sitemap.xml", True),
}
# What a signed-in member of another structure (B) sees of their own.
MEMBER_SURFACES = {
    "mon_espace": named("my_space"),
    "mes_evenements": named("agenda_my_events"),
    "moderation": named("agenda_moderation"),
    "mes_suivis": named("ressources_follows"),
    "mes_donnees": named("account_export"),
    "agenda_connecte": page("agenda", "listing"),
    "wiki_connecte": page("wiki"),
}


def _read(network, role, url) -> str:
    response = client_for(network, role).get(url)
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("surface", PUBLIC_SURFACES)
def test_a_visitor_sees_no_draft_and_no_private_page(hidden_network, db, surface):
    url, lists = PUBLIC_SURFACES[surface]
    content = _read(hidden_network, "anonyme", url(hidden_network))

    assert HIDDEN not in content
    assert LOGIN_ONLY not in content
    assert not lists or VISIBLE in content  # the surface does list public pages


@pytest.mark.parametrize("surface", MEMBER_SURFACES)
def test_a_member_of_another_structure_sees_no_draft_of_a(hidden_network, db, surface):
    content = _read(hidden_network, "editeur_B", MEMBER_SURFACES[surface](hidden_network))

    assert HIDDEN not in content


@pytest.mark.search
def test_the_search_finds_public_pages_and_nothing_hidden(hidden_network, db):
    call_command("update_index", verbosity=0)
    for role in ("anonyme", "editeur_B"):
        found = _read(hidden_network, role, f"/recherche/?q={VISIBLE}")
        assert all(f"/{kind}-{VISIBLE}/" in found for kind in KINDS), role
        for query in (HIDDEN, "brouillon", "mot de passe", "groupe", "version"):
            leaks = [
                (address, kind)
                for address, kind in RESULT.findall(
                    _read(hidden_network, role, f"/recherche/?q={query}")
                )
                if HIDDEN in slugify(address) or address.startswith("/admin/")
            ]
            # Participants write the wiki: its drafts are theirs to find, in the editor.
            allowed = {"ressource"} if role == "editeur_B" else set()
            assert all(
                kind in allowed and address.startswith("/admin/") for address, kind in leaks
            ), (role, query, leaks)
        suggestions = _read(hidden_network, role, f"/recherche/suggestions/?q={HIDDEN[:4]}")
        assert "brouillon" not in suggestions or role == "editeur_B"
        assert "mot de passe" not in suggestions and "groupe" not in suggestions
    assert not RESULT.findall(_read(hidden_network, "anonyme", f"/recherche/?q={LOGIN_ONLY}"))
