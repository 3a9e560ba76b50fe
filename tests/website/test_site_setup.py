import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command

from wagtail.models import GroupPagePermission, Page, Site, Workflow

SECTIONS = {
    "espaces-numeriques": "LieuIndexPage",
    "structures": "StructureIndexPage",
    "actualites": "NewsIndexPage",
    "agenda": "AgendaPage",
    "ressources": "RessourceIndexPage",
    "veille": "VeilleIndexPage",
    "bilans": "BilanIndexPage",
}


def test_setup_site_builds_the_tree_with_every_section_under_the_home_page(home):
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == home
    children = {page.slug: page.specific_class.__name__ for page in home.get_children().live()}
    for slug, model_name in SECTIONS.items():
        assert children[slug] == model_name


def test_setup_site_replaces_wagtails_welcome_page(home):
    assert not Page.objects.filter(title__startswith="Welcome").exists()


def test_setup_site_run_twice_creates_nothing_more(home):
    counts = (
        Page.objects.count(),
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        Workflow.objects.count(),
    )
    call_command("setup_site", verbosity=0)
    assert (
        Page.objects.count(),
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        Workflow.objects.count(),
    ) == counts


def test_setup_site_creates_the_standard_pages_as_drafts_out_of_the_menus(home, client):
    pages = (
        home.get_children()
        .not_in_menu()
        .filter(slug__in=["a-propos", "mentions-legales", "donnees-personnelles", "accessibilite"])
    )
    assert len(pages) == 4
    # Nothing invented is published in the network's name: the footer waits for real text.
    assert not any(page.live for page in pages)
    assert all(page.latest_revision_id for page in pages)
    assert "Mentions légales" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("group", "slug", "codename"),
    [
        ("Animateurs", "ressources", "delete_page"),
        ("Animateurs", "veille", "publish_page"),
        ("Animateurs", "bilans", "change_page"),
        ("Animateurs", "agenda", "add_page"),
        ("Participants", "ressources", "publish_page"),
    ],
)
def test_groups_get_their_permissions_on_their_sections(home, group, slug, codename):
    section = home.get_children().get(slug=slug)
    assert GroupPagePermission.objects.filter(
        group__name=group, page=section, permission__codename=codename
    ).exists()


def test_participants_cannot_delete_resources(home):
    section = home.get_children().get(slug="ressources")
    assert not GroupPagePermission.objects.filter(
        group__name="Participants", page=section, permission__codename="delete_page"
    ).exists()


def test_the_site_answers_at_the_base_url_so_full_links_are_right(home, settings):
    # Emails, feeds and sitemaps build full links from the site's hostname and port.
    assert (Site.objects.get().hostname, Site.objects.get().port) == ("localhost", 80)
    Site.objects.update(hostname="localhost", port=80)  # as Wagtail's migration leaves it
    settings.WAGTAILADMIN_BASE_URL = "https://relais.example.org"

    call_command("setup_site", verbosity=0)

    site = Site.objects.get()
    assert (site.hostname, site.port) == ("relais.example.org", 443)
    assert home.get_children().get(slug="agenda").full_url == "https://relais.example.org/agenda/"


def test_setup_site_keeps_an_address_someone_chose(home, settings):
    Site.objects.update(hostname="relais.reseau.fr", port=443)
    settings.WAGTAILADMIN_BASE_URL = "https://autre.example.org"

    call_command("setup_site", verbosity=0)

    assert (Site.objects.get().hostname, Site.objects.get().port) == ("relais.reseau.fr", 443)
