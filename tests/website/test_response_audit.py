"""Every route of the site, audited: each response type carries the Socle's security headers,
and each form a person can send goes through the public-form guard (website.guard).

The routes are found, not listed by hand: Django's URL resolver, every page type, and every
page type's own routes (RoutablePageMixin). A route added later without its row in ROUTES
fails `test_every_route_is_audited`, which names it and says where to add it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, include, path, reverse

from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    get_page_models,
)

from agenda.factories import EventPageFactory
from bilans.factories import ActionFactory, BilanPageFactory, MethodPageFactory
from bilans.models import BilanPage
from ressources.factories import RessourcePageFactory
from ressources.models import Comment
from tests.bilans.conftest import five_columns
from tests.permissions import (
    INVITATION_TOKEN,
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
from website.guard import HONEYPOT_FIELD, hit_rate_limit
from website.models import RelaisDocument
from website.search_views import MAX_QUERY_BYTES
from website.security.middleware import GUARDED_PATHS
from website.urls import handler400, handler403, handler404, handler500


def suspicious_view(request):
    raise SuspiciousOperation("a forged header")


# For the error pages Django answers itself when a view raises: the site's URLs and handlers.
urlpatterns = [path("douteux/", suspicious_view), path("", include("website.urls"))]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

# How a route takes what people send.
GUARDED = "public_form"  # website.guard.public_form on its POST: the honeypot is refused
GUARDED_GET = "public_form on GET"  # the search: its query string is what it takes
WAGTAIL_FORM = "Wagtail's form, rate-limited by the security middleware (GUARDED_PATHS)"
READ_ONLY = ""  # answers GET (and HEAD) only, or takes nothing but a click


@dataclass(frozen=True)
class Route:
    url: Callable[[Network], str]
    role: str = "anonyme"
    status: int = 200
    form: str = READ_ONLY


page, named = page_url, named_url


def fixed(path: str) -> Callable[[Network], str]:
    return lambda network: path


def pk_of(name: str) -> Callable[[Network], int]:
    return lambda network: (
        network.pages[name].pk if name in network.pages else network.rows[name].pk
    )


def value(constant) -> Callable[[Network], object]:
    return lambda network: constant


def first_item(network: Network) -> tuple[str, str]:
    block = network.pages["bilan"].sections[0]
    return block.id, block.value.actionable_items()[0][0]


def new_action_url(network: Network) -> str:
    bilan = network.pages["bilan"]
    return bilan.url + bilan.reverse_subpage("new_action", args=first_item(network))


def revision_url(network: Network) -> str:
    ressource = network.pages["ressource"]
    revision = Page.objects.get(pk=ressource.pk).live_revision_id
    return ressource.url + ressource.reverse_subpage("version", args=[revision])


def document_url(network: Network) -> str:
    return network.rows["document"].url


def comment_button(name: str, role: str) -> Route:
    """A button under a wiki comment: POST only, guarded."""
    return Route(named(name, pk_of("commentaire")), role=role, status=405, form=GUARDED)


BAD_TOKEN = "jeton-inconnu"

ROUTES: dict[str, Route] = {
    # --- Django's URL resolver ----------------------------------------------------------------
    "healthz": Route(fixed("/healthz")),
    "robots.txt": Route(fixed("/robots.txt")),
    "sitemap.xml": Route(fixed("/sitemap.xml")),
    "recherche/": Route(fixed("/recherche/?q=atelier"), form=GUARDED_GET),
    "recherche/suggestions/": Route(fixed("/recherche/suggestions/?q=at"), form=GUARDED_GET),
    "compte/invitation/<str:token>/": Route(
        named("invitation_accept", value(INVITATION_TOKEN)), form=GUARDED
    ),
    "compte/mon-espace/": Route(named("my_space"), role="membre_A"),
    "compte/mon-espace/mot-de-passe/": Route(
        named("account_password_change"), role="membre_A", form=GUARDED
    ),
    "compte/mon-espace/mes-donnees.json": Route(named("account_export"), role="membre_A"),
    "compte/mon-espace/supprimer/": Route(named("account_delete"), role="membre_A", form=GUARDED),
    "compte/supprime/": Route(named("account_deleted")),
    "compte/connexion/": Route(named("account_login"), form=GUARDED),
    # Logging out takes nothing but the click (and its CSRF token).
    "compte/deconnexion/": Route(named("account_logout"), role="membre_A", status=405),
    "compte/mot-de-passe/oubli/": Route(named("password_reset"), form=GUARDED),
    "compte/mot-de-passe/oubli/envoye/": Route(named("password_reset_done")),
    "compte/mot-de-passe/nouveau/<uidb64>/<token>/": Route(
        named("password_reset_confirm", value("MQ"), value("mauvais-jeton")), form=GUARDED
    ),
    "compte/mot-de-passe/change/": Route(named("password_reset_complete")),
    "evenements/proposer/": Route(named("agenda_propose"), form=GUARDED),
    "evenements/<int:pk>/modifier/": Route(
        named("agenda_event_edit", pk_of("evenement_A")), role="membre_A", form=GUARDED
    ),
    "evenements/mes-evenements/": Route(named("agenda_my_events"), role="membre_A"),
    "evenements/moderation/": Route(named("agenda_moderation"), role="editeur_A"),
    "evenements/moderation/<int:pk>/": Route(
        named("agenda_moderation_review", pk_of("evenement_A")), role="editeur_A", form=GUARDED
    ),
    "alertes/confirmer/<str:token>/": Route(
        named("veille_alert_confirm", value(BAD_TOKEN)), status=404, form=GUARDED
    ),
    "alertes/desabonner/<str:token>/": Route(
        named("veille_alert_unsubscribe", value(BAD_TOKEN)), form=GUARDED
    ),
    "wiki/commentaires/signales/": Route(named("ressources_comments_reported"), role="animateur"),
    "wiki/commentaires/<int:pk>/modifier/": Route(
        named("ressources_comment_edit", pk_of("commentaire")), role="membre_A", form=GUARDED
    ),
    "wiki/commentaires/<int:pk>/resolue/": comment_button(
        "ressources_comment_answered", "membre_A"
    ),
    "wiki/commentaires/<int:pk>/masquer/": comment_button("ressources_comment_hide", "animateur"),
    "wiki/commentaires/<int:pk>/garder/": comment_button("ressources_comment_keep", "animateur"),
    "wiki/commentaires/<int:pk>/signaler/": Route(
        named("ressources_comment_report", pk_of("commentaire")), role="editeur_B", form=GUARDED
    ),
    "wiki/suivis/": Route(named("ressources_follows"), role="membre_A", form=GUARDED),
    "wiki/suivre/tout/": Route(
        named("ressources_follow_wiki"), role="membre_A", status=405, form=GUARDED
    ),
    "wiki/suivre/mot-cle/": Route(
        named("ressources_follow_tag"), role="membre_A", status=405, form=GUARDED
    ),
    "wiki/desabonnement/<str:token>/": Route(
        named("ressources_unsubscribe", value(BAD_TOKEN)), status=400, form=GUARDED
    ),
    "wiki/modifications/atom.xml": Route(named("ressources_changes_feed")),
    "documents/^(\\d+)/(.*)$": Route(document_url),
    "documents/authenticate_with_password/<int:restriction_id>/": Route(
        named("wagtaildocs_authenticate_with_password", pk_of("restriction_documents")),
        form=WAGTAIL_FORM,
    ),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": Route(
        named(
            "wagtailcore_authenticate_with_password",
            pk_of("restriction_page"),
            pk_of("page_protegee"),
        ),
        form=WAGTAIL_FORM,
    ),
    "_util/login/": Route(named("wagtailcore_login"), form=WAGTAIL_FORM),
    "^((?:[\\w\\-]+/)*)$": Route(fixed("/")),
    # Wagtail's admin: hundreds of routes under one policy; a sample of each kind of screen.
    "admin/": Route(fixed("/admin/"), role="admin"),
    # --- Page types (served by Wagtail) -------------------------------------------------------
    "page:HomePage": Route(page("accueil")),
    "page:StandardPage": Route(page("page_standard")),
    "page:StructureIndexPage": Route(page("structures")),
    "page:StructurePage": Route(page("structure_A")),
    "page:LieuIndexPage": Route(page("lieux")),
    "page:LieuPage": Route(page("lieu_A")),
    "page:NewsIndexPage": Route(page("actualites")),
    "page:NewsPage": Route(page("actualite_A")),
    "page:AgendaPage": Route(page("agenda")),
    "page:EventPage": Route(page("evenement_A")),
    "page:RessourceIndexPage": Route(page("wiki")),
    "page:RessourcePage": Route(page("ressource")),
    "page:VeilleIndexPage": Route(page("veille")),
    "page:AppelPage": Route(page("appel_A")),
    "page:BilanIndexPage": Route(page("bilans")),
    "page:BilanPage": Route(page("bilan")),
    "page:MethodIndexPage": Route(page("methodes")),
    "page:MethodPage": Route(page("methode")),
    # --- Page types' own routes ---------------------------------------------------------------
    "LieuIndexPage:directory": Route(page("lieux", "directory")),
    "LieuIndexPage:export_csv": Route(page("lieux", "export_csv")),
    "LieuIndexPage:export_json": Route(page("lieux", "export_json")),
    "LieuIndexPage:nearby": Route(page("lieux", "nearby")),
    "NewsIndexPage:listing": Route(page("actualites", "listing")),
    "NewsIndexPage:rss": Route(page("actualites", "rss")),
    "LieuPage:place": Route(page("lieu_A", "place")),
    "LieuPage:fiche": Route(page("lieu_A", "fiche")),
    "AgendaPage:listing": Route(page("agenda", "listing")),
    "AgendaPage:week": Route(page("agenda", "week")),
    "AgendaPage:month": Route(page("agenda", "month", 2026, 11)),
    "AgendaPage:month_current": Route(page("agenda", "month_current")),
    "AgendaPage:planning": Route(page("agenda", "planning")),
    "AgendaPage:print": Route(page("agenda", "print")),
    "AgendaPage:ics": Route(page("agenda", "ics")),
    "AgendaPage:structure_ics": Route(page("agenda", "structure_ics", "structure-a")),
    "AgendaPage:rss": Route(page("agenda", "rss")),
    "EventPage:detail": Route(page("evenement_A", "detail")),
    "EventPage:ics": Route(page("evenement_A", "ics")),
    "RessourceIndexPage:recent_changes": Route(page("wiki", "recent_changes")),
    # Wagtail serves no page route with a dot in its last segment: the feed is answered at
    # wiki/modifications/atom.xml (above), and here by the 404 page.
    "RessourceIndexPage:recent_changes_feed": Route(
        page("wiki", "recent_changes_feed"), status=404
    ),
    "RessourcePage:history": Route(page("ressource", "history")),
    "RessourcePage:version": Route(revision_url),
    "RessourcePage:compare": Route(page("ressource", "compare"), status=400),  # no versions named
    "RessourcePage:comment": Route(
        page("ressource", "comment"), role="membre_A", status=302, form=GUARDED
    ),
    "RessourcePage:follow": Route(
        page("ressource", "follow"), role="membre_A", status=405, form=GUARDED
    ),
    "VeilleIndexPage:listing": Route(page("veille", "listing")),
    "VeilleIndexPage:archive": Route(page("veille", "archive")),
    "VeilleIndexPage:ics": Route(page("veille", "ics")),
    "VeilleIndexPage:rss": Route(page("veille", "rss")),
    "VeilleIndexPage:alert": Route(page("veille", "alert"), form=GUARDED),
    "AppelPage:detail": Route(page("appel_A", "detail")),
    "AppelPage:interest": Route(
        page("appel_A", "interest"), role="membre_A", status=405, form=GUARDED
    ),
    "BilanIndexPage:listing": Route(page("bilans", "listing")),
    "BilanIndexPage:network_board": Route(page("bilans", "network_board")),
    "BilanIndexPage:structure_board": Route(page("bilans", "structure_board", "structure-a")),
    "BilanIndexPage:action_status": Route(
        page("bilans", "action_status", pk_of("action")), role="membre_A", form=GUARDED
    ),
    "BilanIndexPage:action_edit": Route(
        page("bilans", "action_edit", pk_of("action")), role="animateur", form=GUARDED
    ),
    "BilanPage:day": Route(page("bilan", "day")),
    "BilanPage:print": Route(page("bilan", "print")),
    "BilanPage:document": Route(page("bilan", "document")),
    "BilanPage:new_action": Route(new_action_url, role="animateur", form=GUARDED),
}

# A few screens of each kind the admin serves, under the admin's own policy.
ADMIN_SAMPLES = {
    "admin-dashboard": fixed("/admin/"),
    "admin-page-editor": named("wagtailadmin_pages:edit", pk_of("lieu_A")),
    "admin-bulk-action": lambda network: (
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
        + f"?id={network.pages['lieu_A'].pk}"
    ),
    "admin-images": named("wagtailimages:index"),
    "admin-documents": named("wagtaildocs:index"),
    "admin-snippets": named("wagtailsnippets_veille_funder:list"),
    "admin-users": named("wagtailusers_users:index"),
}


def _resolver_keys(resolver=None, prefix="") -> set[str]:
    keys = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("admin/"):
            keys.add("admin/")
        elif isinstance(pattern, URLResolver):
            keys |= _resolver_keys(pattern, route)
        else:
            keys.add(route)
    return keys


def _page_keys() -> set[str]:
    keys = set()
    for model in get_page_models():
        if model.__name__ == "Page":
            continue  # Wagtail's root, never served
        keys.add(f"page:{model.__name__}")
        if issubclass(model, RoutablePageMixin):
            keys |= {
                f"{model.__name__}:{pattern.name}"
                for pattern in model().get_subpage_urls()
                if pattern.name != "index_route"  # Wagtail's alias of the page's own URL
            }
    return keys


def test_every_route_is_audited():
    found = _resolver_keys() | _page_keys()
    missing = sorted(found - ROUTES.keys())
    stale = sorted(ROUTES.keys() - found)
    assert not missing, (
        "Routes with no row in tests/website/test_response_audit.py ROUTES (say how to reach "
        "them, and whether they take a form: a public form must use website.guard.public_form): "
        + ", ".join(missing)
    )
    assert not stale, "ROUTES names routes that no longer exist: " + ", ".join(stale)


# --- The network every request meets ------------------------------------------------------


def build_audit_network() -> Network:
    network = with_index_pages(build_network())
    pages = network.pages
    pages["page_standard"] = StandardPageFactory(parent=pages["accueil"], title="À propos test")
    pages["evenement_A"] = EventPageFactory(parent=pages["structure_A"], title="Atelier A")
    pages["appel_A"] = AppelPageFactory(parent=pages["structure_A"], title="Appel A")
    pages["ressource"] = RessourcePageFactory(parent=pages["wiki"], title="Fiche")
    pages["ressource"].save_revision().publish()
    pages["methode"] = MethodPageFactory(parent=pages["methodes"], title="Méthode")
    bilan = BilanPageFactory(
        parent=pages["bilans"],
        title="Bilan",
        sections=[five_columns(pages["methode"], creer=["Un post-it"])],
    )
    pages["bilan"] = BilanPage.objects.get(pk=bilan.pk)
    protected = StandardPageFactory(parent=pages["accueil"], title="Page protégée")
    pages["page_protegee"] = protected
    network.rows = {
        "action": ActionFactory(bilan=bilan, structure=pages["structure_A"]),
        "commentaire": Comment.objects.create(
            page=pages["ressource"], author=network.users["membre_A"], body="Une question"
        ),
        "restriction_page": PageViewRestriction.objects.create(
            page=protected, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        ),
    }
    collection = Collection.get_first_root_node().add_child(name="Documents protégés")
    network.rows["restriction_documents"] = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="x"
    )
    network.rows["document"] = RelaisDocument.objects.create(
        title="Compte rendu", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="compte-rendu.pdf")
    )
    return network


audit_network = module_network(build_audit_network)


# --- Headers --------------------------------------------------------------------------------


def assert_security_headers(response, *, frame="DENY"):
    headers = response.headers
    missing = [
        name
        for name, ok in {
            "Content-Security-Policy": "object-src 'none'"
            in headers.get("Content-Security-Policy", "")
            or "default-src 'none'" in headers.get("Content-Security-Policy", ""),
            "X-Content-Type-Options": headers.get("X-Content-Type-Options") == "nosniff",
            # Pages whose address holds a token send no referrer at all: stricter still.
            "Referrer-Policy": headers.get("Referrer-Policy")
            in ("strict-origin-when-cross-origin", "same-origin", "no-referrer"),
            "X-Frame-Options": headers.get("X-Frame-Options") == frame,
            "Permissions-Policy": "camera=()" in headers.get("Permissions-Policy", ""),
            "Cross-Origin-Opener-Policy": headers.get("Cross-Origin-Opener-Policy")
            == "same-origin",
            "Cross-Origin-Resource-Policy": headers.get("Cross-Origin-Resource-Policy")
            == "same-origin",
        }.items()
        if not ok
    ]
    assert not missing, f"{response.status_code}: missing or wrong {missing}"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.search) if route.form == GUARDED_GET else key
        for key, route in ROUTES.items()
    ],
)
def test_every_route_answers_with_the_security_headers(audit_network, db, key):
    route = ROUTES[key]
    response = client_for(audit_network, route.role).get(route.url(audit_network))

    assert response.status_code == route.status, (response.status_code, response.get("Location"))
    assert_security_headers(response)


@pytest.mark.parametrize("name", [*ADMIN_SAMPLES, "admin-login"])
def test_the_admins_screens_carry_the_security_headers(audit_network, db, name):
    if name == "admin-login":
        response = client_for(audit_network, "anonyme").get("/admin/login/")
    else:
        response = client_for(audit_network, "admin").get(ADMIN_SAMPLES[name](audit_network))

    assert response.status_code == 200
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert_security_headers(response)


ERRORS = {
    # A NUL in the query string: refused by the middleware before any view.
    "400": ("anonyme", lambda network: "/recherche/?q=%00", 400),
    # A form sent without its CSRF token.
    "403-csrf": ("anonyme", None, 403),
    # A member who moderates nothing opening the moderation queue: PermissionDenied.
    "403": ("membre_A", named("agenda_moderation"), 403),
    "404": ("anonyme", lambda network: "/nulle-part/", 404),
    "redirect-to-login": ("anonyme", named("my_space"), 302),
    "redirect-admin-login": ("anonyme", fixed("/admin/pages/"), 302),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_and_redirects_carry_the_security_headers(audit_network, db, name):
    role, url, status = ERRORS[name]
    client = client_for(audit_network, role)
    if url is None:
        client.handler.enforce_csrf_checks = True
        response = client.post(reverse("agenda_propose"), {"title": "x"})
    else:
        response = client.get(url(audit_network))

    assert response.status_code == status
    assert_security_headers(response)
    if status >= 400:
        assert 'lang="fr"' in response.content.decode()


@pytest.mark.urls("tests.website.urls_with_failure")
def test_the_500_page_carries_the_security_headers(audit_network, db):
    client = client_for(audit_network, "anonyme")
    client.raise_request_exception = False

    response = client.get("/panne/")

    assert response.status_code == 500
    assert_security_headers(response)


@pytest.mark.urls(__name__)
def test_a_suspicious_request_a_view_refuses_gets_the_french_400_page(audit_network, db):
    response = client_for(audit_network, "anonyme").get("/douteux/")

    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()
    assert_security_headers(response)


# --- The public-form guard --------------------------------------------------------------------


def _posted_with_the_honeypot(network, route: Route):
    client = client_for(network, route.role)
    return client.post(route.url(network), {HONEYPOT_FIELD: "https://robot.example"})


@pytest.mark.parametrize("key", [key for key, route in ROUTES.items() if route.form == GUARDED])
def test_every_form_goes_through_the_public_form_guard(audit_network, db, key):
    response = _posted_with_the_honeypot(audit_network, ROUTES[key])

    assert response.status_code == 400, f"{key} answered {response.status_code}: not guarded"
    assert "un champ réservé à la détection des robots" in response.content.decode()
    assert_security_headers(response)


@pytest.mark.parametrize("key", [key for key, route in ROUTES.items() if route.form == GUARDED_GET])
def test_the_search_refuses_an_oversized_query_before_searching(audit_network, db, key):
    route = ROUTES[key]
    url = route.url(audit_network)
    separator = "&" if "?" in url else "?"
    response = client_for(audit_network, route.role).get(
        f"{url}{separator}q={'a' * (MAX_QUERY_BYTES + 1)}"
    )

    assert response.status_code == 413
    assert_security_headers(response)


@pytest.mark.parametrize(
    "key", [key for key, route in ROUTES.items() if route.form == WAGTAIL_FORM]
)
def test_wagtails_own_forms_are_rate_limited_by_the_middleware(audit_network, db, key):
    route = ROUTES[key]
    url = route.url(audit_network)
    scope, limit, window = next(
        (scope, limit, window)
        for prefix, scope, limit, window in GUARDED_PATHS
        if url.startswith(prefix)
    )
    # The address's earlier attempts, counted as the middleware counts them.
    for _ in range(limit):
        hit_rate_limit(RequestFactory().post(url), scope=scope, limit=limit, window=window)

    response = client_for(audit_network, route.role).post(url, {"password": "faux"})

    assert response.status_code == 429
    assert_security_headers(response)
