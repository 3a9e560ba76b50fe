import io
import re
from pathlib import Path

import pytest
from PIL import Image as PILImage

from django.contrib.staticfiles import finders
from django.core.files.images import ImageFile

SECTION_EMPTY_STATES = {
    "/espaces-numeriques/": "Aucun espace numérique pour l'instant.",
    "/structures/": "Aucune structure pour l'instant.",
    "/actualites/": "Aucune actualité pour l'instant.",
    "/agenda/": "Aucun événement pour l'instant.",
    "/ressources/": "Aucune ressource pour l'instant.",
    "/veille/": "Aucun appel à projets pour l'instant.",
    "/bilans/": "Aucun bilan pour l'instant.",
}


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def test_the_home_page_is_french_and_links_to_every_section(client, home):
    response = client.get("/")
    html = _text(response)
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    for url in SECTION_EMPTY_STATES:
        assert f'href="{url}"' in html


def test_the_home_page_composes_each_apps_block_with_its_honest_empty_state(client, home):
    html = _text(client.get("/"))
    assert "Trouver un espace numérique près de chez vous" in html
    for message in [
        "Aucun événement pour l'instant.",
        "Aucune actualité pour l'instant.",
        "Aucun appel à projets pour l'instant.",
        "Aucune ressource pour l'instant.",
    ]:
        assert message in html


@pytest.mark.parametrize(("url", "empty_state"), SECTION_EMPTY_STATES.items())
def test_each_section_says_plainly_that_it_is_empty_for_now(client, home, url, empty_state):
    response = client.get(url)
    assert response.status_code == 200
    assert empty_state in _text(response)


def test_the_current_section_is_marked_in_the_navigation(client, home):
    html = _text(client.get("/agenda/"))
    assert re.search(r'href="/agenda/"\s+aria-current="page"', html)


def test_every_page_has_a_search_form_with_a_q_field(client, home):
    html = _text(client.get("/ressources/"))
    assert re.search(r'<form[^>]*role="search"', html)
    assert 'name="q"' in html


def test_pages_carry_a_description_and_open_graph_tags_for_sharing(client, home):
    home.search_description = "Le réseau local de l'inclusion numérique."
    home.save_revision().publish()
    html = _text(client.get("/"))
    assert '<meta name="description" content="Le réseau local de l\'inclusion numérique.">' in html
    assert '<meta property="og:title"' in html
    assert '<meta property="og:url" content="http://localhost/">' in html


def test_the_networks_logo_and_name_brand_the_header_and_shared_links(client, home):
    from wagtail.models import Site

    from website.models import NetworkSettings, RelaisImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 120), "navy").save(buffer, "PNG")
    network = NetworkSettings.for_site(Site.objects.get())
    network.network_name = "Réseau du bassin"
    network.logo = RelaisImage.objects.create(
        title="Logo", file=ImageFile(buffer, name="logo.png"), width=300, height=120
    )
    network.save()

    html = _text(client.get("/"))

    brand = html.split('class="site-header__brand"', 1)[1].split("</a>", 1)[0]
    assert re.search(r'<img [^>]*alt=""', brand)
    assert brand.rstrip().endswith("Réseau du bassin")
    assert '<meta property="og:site_name" content="Réseau du bassin">' in html
    assert '<meta property="og:title" content="Réseau du bassin">' in html
    assert re.search(r'<meta property="og:image" content="http://localhost/media/images/logo', html)


def test_an_unknown_address_answers_the_french_404_page(client, home):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in _text(response)


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_to_the_sitemap(client, home):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body


def test_the_sitemap_lists_the_live_sections_and_not_drafts(client, home):
    agenda = home.get_children().get(slug="agenda")
    agenda.unpublish()
    body = client.get("/sitemap.xml").content.decode()
    assert "http://localhost/ressources/" in body
    assert "http://localhost/agenda/" not in body


@pytest.mark.search
def test_the_search_page_finds_a_section_by_its_title(client, home):
    response = client.get("/recherche/", {"q": "Ressources"})
    assert response.status_code == 200
    assert 'href="/ressources/"' in _text(response)


def test_the_home_page_weighs_less_than_150_kb_with_its_styles_and_scripts(client, home):
    html = client.get("/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    total = len(html) + sum(Path(finders.find(asset.decode())).stat().st_size for asset in assets)
    assert assets, "the stylesheet is linked"
    assert total < 150 * 1024


# Counted with the database cache, whose reads are queries too. The agenda's filters read their
# choices from the cache (the pages' version, the cached lists) and the publics: three of fifteen.
@pytest.mark.parametrize(("url", "budget"), [("/", 13), ("/agenda/", 15)])
def test_pages_stay_within_their_query_budget(
    client, home, database_cache, django_assert_max_num_queries, url, budget
):
    client.get(url)  # caches warm, as in production
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_a_logged_in_person_finds_mon_espace_and_logout_in_the_header(
    client, home, django_user_model
):
    person = django_user_model.objects.create_user(
        username="camille@example.org", password="mot-de-passe-long-1"
    )
    assert "Mon espace" not in client.get("/").content.decode()
    client.force_login(person)
    page = client.get("/").content.decode()
    assert 'href="/compte/mon-espace/"' in page
    assert "Se déconnecter" in page


def test_an_email_username_logs_in_whatever_its_case(client, home, django_user_model):
    django_user_model.objects.create_user(
        username="camille@example.org", password="mot-de-passe-long-1"
    )
    response = client.post(
        "/compte/connexion/",
        {"username": " Camille@Example.ORG ", "password": "mot-de-passe-long-1"},
    )
    assert response.status_code == 302
    assert client.get("/compte/mon-espace/").status_code == 200


@pytest.mark.urls("tests.website.urls_with_failure")
def test_a_server_error_shows_the_french_500_page_with_its_security_headers(client, home):
    client.raise_request_exception = False
    response = client.get("/panne/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Une erreur est survenue" in page
    assert "a bug" not in page
    assert "Content-Security-Policy" in response.headers


def test_the_footer_links_the_legal_pages_only(client, home):
    from website.models import StandardPage

    home.add_child(instance=StandardPage(title="Une page parmi d'autres", slug="autre"))
    StandardPage.objects.get(slug="mentions-legales").get_latest_revision().publish()
    footer = client.get("/").content.decode().split("<footer", 1)[1]
    assert "Mentions légales" in footer
    assert "Une page parmi d" not in footer
