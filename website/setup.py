"""What the site needs before any content: home page, site, groups, collections, workflow."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext as _

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowTask,
)

from website.blocks import heading, paragraph
from website.models import HomePage, StandardPage

FACILITATORS = "Animateurs"
PARTICIPANTS = "Participants"
MODERATION_WORKFLOW = "Modération par l'équipe d'animation"
NETWORK_COLLECTION = "Réseau"

STANDARD_PAGES = [
    ("a-propos", "À propos"),
    ("mentions-legales", "Mentions légales"),
    ("donnees-personnelles", "Données personnelles"),
    ("accessibilite", "Déclaration d'accessibilité"),
]
PRIVACY_SLUG = "donnees-personnelles"
PRIVACY_INTRO = "Ce que Relais garde sur les personnes, pourquoi, et pendant combien de temps."


def ensure_wagtail_roots() -> None:
    """What Wagtail's migrations create and a database flush removes: the locale and the roots
    of the page tree and of the collections."""
    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


# What Wagtail's own migration creates: an address nobody serves the site at.
PLACEHOLDER_ADDRESS = ("localhost", 80)


def site_address() -> tuple[str, int]:
    """The host and port of RELAIS_BASE_URL, so that full URLs in emails and feeds are right."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def ensure_home() -> HomePage:
    """The home page at the root of the default site, replacing Wagtail's welcome page."""
    ensure_wagtail_roots()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Accueil", slug="accueil"))
        home.save_revision().publish()
    hostname, port = site_address()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Relais"
        )
        return home
    if (site.hostname, site.port) == PLACEHOLDER_ADDRESS:
        site.hostname, site.port = hostname, port
        site.save()
    if site.root_page_id != home.pk:
        welcome = site.root_page
        site.root_page = home
        site.site_name = site.site_name or "Relais"
        site.save()
        if welcome.specific_class is Page and not welcome.get_children().exists():
            welcome.delete()
    return home


def ensure_child(parent: Page, model: type[Page], **fields) -> Page:
    """The one live child of `parent` of type `model`, created (and published) if missing."""
    existing = model.objects.child_of(parent).first()
    if existing is not None:
        return existing
    page = parent.add_child(instance=model(**fields))
    page.save_revision().publish()
    return page


def ensure_group(name: str, *, codenames: list[str] = ()) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    if codenames:
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    return group


def grant_page_permissions(group: Group, page: Page, permissions: list[str]) -> None:
    """Page permissions on `page`'s subtree, as Wagtail's codenames (add_page, change_page…)."""
    for codename in permissions:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def ensure_collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def ensure_workflow_task(workflow: Workflow, task) -> None:
    """`task` as the workflow's first step. (The workflow's own `workflow_tasks` manager would
    only add it in memory: Workflow is a ClusterableModel.)"""
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})


def ensure_moderation_workflow(facilitators: Group) -> Workflow:
    task, _created = GroupApprovalTask.objects.get_or_create(
        name=_("Validation par l'équipe d'animation")
    )
    task.groups.add(facilitators)
    workflow, _created = Workflow.objects.get_or_create(name=MODERATION_WORKFLOW)
    ensure_workflow_task(workflow, task)
    return workflow


def setup(*, home: HomePage) -> None:
    """The site's own part: groups, moderation workflow, shared collection, standard pages."""
    admin_access = ["access_admin"]
    facilitators = ensure_group(FACILITATORS, codenames=admin_access)
    ensure_group(PARTICIPANTS, codenames=admin_access)
    ensure_moderation_workflow(facilitators)
    network = ensure_collection(NETWORK_COLLECTION)
    _grant_collection(facilitators, network)
    for slug, title in STANDARD_PAGES:
        if not StandardPage.objects.child_of(home).filter(slug=slug).exists():
            # Drafts: a legal notice or an accessibility statement says what only the network
            # can say. The footer links to them once someone writes and publishes them.
            page = StandardPage(title=title, slug=slug, show_in_menus=False, live=False)
            if slug == PRIVACY_SLUG:
                # Everything on it is known to the code; the network reviews it and publishes.
                page.intro = page.search_description = PRIVACY_INTRO
                page.body = privacy_body()
            home.add_child(instance=page)
            page.save_revision()


def _grant_collection(group: Group, collection: Collection) -> None:
    for app_label, codenames in {
        "wagtailimages": ["add_image", "change_image", "choose_image"],
        "wagtaildocs": ["add_document", "change_document", "choose_document"],
    }.items():
        for codename in codenames:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )


def privacy_body() -> list:
    """The privacy page as set up: what is generic to any Relais site, and the live list of
    retention limits (a block that reads them from the code each time it is shown)."""
    return [
        heading("Habitants : rien à créer, rien à accepter"),
        paragraph(
            "<p>Pour chercher un lieu, lire l'agenda, les ressources ou la veille, personne n'a "
            "besoin de compte. Le site ne mesure pas son audience et ne contient ni publicité ni "
            "bouton de réseau social.</p>"
        ),
        heading("Deux cookies, tous deux indispensables"),
        paragraph(
            "<p>Le cookie <b>csrftoken</b> empêche un autre site d'envoyer un formulaire à votre "
            "place ; il ne contient aucune information sur vous. Le cookie <b>sessionid</b> garde "
            "un partenaire connecté, ou affiche à un visiteur la confirmation du formulaire qu'il "
            "vient d'envoyer. Aucun autre cookie n'est déposé : c'est pourquoi le site ne vous "
            "demande pas votre consentement.</p>"
        ),
        paragraph(
            "<p>La carte de l'annuaire affiche des fonds de carte OpenStreetMap : pour les "
            "charger, votre navigateur s'adresse à leurs serveurs, qui voient donc votre adresse "
            "IP. L'annuaire reste utilisable sans la carte.</p>"
        ),
        heading("Ce que le site conserve, et combien de temps"),
        ("retention", None),
        paragraph(
            "<p>Une tâche automatique efface chaque heure ce qui a dépassé sa durée. Aucune de "
            "ces données n'est vendue ni transmise à qui que ce soit.</p>"
        ),
        heading("Vos droits"),
        paragraph(
            "<p>Avec un compte, « Mon espace » permet de télécharger toutes vos données (un "
            "fichier JSON) et de supprimer votre compte ; vos contributions restent alors en "
            "ligne sous le nom « ancien membre ». Sans compte, chaque message d'alerte contient "
            "un lien de désabonnement. Pour toute autre demande (accès, rectification, "
            "suppression), écrivez à l'équipe d'animation du réseau ; vous pouvez aussi saisir "
            "la CNIL.</p>"
        ),
    ]
