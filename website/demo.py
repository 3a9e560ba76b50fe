"""The site's share of the demo: network settings, home page, standard pages, one account per role.

Written from the seeds' facts (the Transistor incubator around Chambéry and its review day),
in Relais's own words. Idempotent: content someone has edited since is left alone.
"""

from django.contrib.auth import get_user_model

from wagtail.models import Site

from website.blocks import heading, paragraph
from website.models import HomePage, NetworkSettings, StandardPage
from website.setup import PRIVACY_SLUG

DEMO_PASSWORD = "relais-demo"

# username → (first name, last name, superuser). Roles, not real people: their rights come
# from memberships that the structures' demo gives them.
DEMO_ACCOUNTS = {
    "admin": ("Alex", "Administrateur", True),
    "animatrice": ("Camille", "Animatrice", False),
    "editrice": ("Dominique", "Éditrice", False),
    "participant": ("Sacha", "Participant", False),
}

HOME_INTRO = (
    "<p>Relais réunit les structures de l'agglomération chambérienne qui accompagnent les habitants "
    "dans leurs usages du numérique : centres sociaux, CCAS, associations, résidences. Trouvez un lieu "
    "près de chez vous, consultez l'agenda des ateliers et partagez les ressources du réseau.</p>"
)


STANDARD_PAGE_CONTENT = {
    "a-propos": (
        "Relais est la plateforme commune d'un réseau local d'inclusion numérique.",
        [
            paragraph(
                "<p>Le réseau est né du Transistor, un incubateur de projets d'inclusion numérique mené pendant "
                "deux ans autour de Chambéry avec l'accompagnement du pôle numérique de l'association Agate. "
                "Une résidence pour personnes âgées, un CCAS, un centre social, une régie de quartier et "
                "l'intercommunalité y ont construit ensemble leurs ateliers et leurs permanences.</p>"
            ),
            heading("Pourquoi une plateforme commune"),
            paragraph(
                "<p>Lors de la journée bilan du 9 mai 2023, les structures ont demandé un wiki qui dure et que "
                "chacun peut enrichir, un agenda partagé, une veille des financements et un lieu où garder la "
                "mémoire des journées bilan. Relais rassemble ces outils en un seul site.</p>"
            ),
            heading("Pour qui"),
            paragraph(
                "<ul><li>Les habitants, qui cherchent un lieu d'aide au numérique ouvert près de chez eux.</li>"
                "<li>Les professionnels et bénévoles des structures, qui orientent, publient et partagent.</li>"
                "<li>L'équipe d'animation du réseau, qui coordonne et documente.</li></ul>"
            ),
        ],
    ),
    "mentions-legales": (
        "Qui publie ce site et qui l'héberge.",
        [
            heading("Éditeur"),
            paragraph(
                "<p>Ce site est publié par le réseau Relais, coordonné par son équipe d'animation. Les contenus "
                "de chaque structure sont publiés sous sa responsabilité.</p>"
            ),
            heading("Hébergement"),
            paragraph(
                "<p>Les coordonnées de l'hébergeur sont à renseigner par l'administrateur du site avant sa mise "
                "en ligne.</p>"
            ),
            heading("Réutilisation"),
            paragraph(
                "<p>Sauf mention contraire, les données des lieux de médiation numérique sont publiées selon le "
                "standard national et réutilisables sous Licence Ouverte (Etalab 2.0).</p>"
            ),
        ],
    ),
    "accessibilite": (
        "Relais s'engage à rendre son site accessible, conformément à l'article 47 de la loi n° 2005-102.",
        [
            heading("État de conformité"),
            paragraph(
                "<p>Le site n'a pas encore fait l'objet d'un audit de conformité au RGAA : il est donc déclaré "
                "<b>non conforme</b> tant que cet audit n'a pas eu lieu. Chaque page est vérifiée "
                "automatiquement (axe-core) à chaque modification du code, sur téléphone et sur ordinateur.</p>"
            ),
            heading("Retour d'information et contact"),
            paragraph(
                "<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez l'équipe d'animation "
                "du réseau : elle vous proposera une autre façon d'y accéder.</p>"
            ),
            heading("Voies de recours"),
            paragraph(
                "<p>Si vous n'obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits "
                "(formulaire en ligne, délégué dans votre région, ou courrier gratuit : Défenseur des droits, "
                "Libre réponse 71120, 75342 Paris CEDEX 07).</p>"
            ),
        ],
    ),
}


def seed(*, home: HomePage, log) -> None:
    _seed_settings()
    if not home.intro:
        home.intro = HOME_INTRO
        home.search_description = (
            "Trouver un lieu d'aide au numérique, l'agenda et les ressources du réseau Relais."
        )
        home.save_revision().publish()
    for slug, (intro, body) in STANDARD_PAGE_CONTENT.items():
        page = StandardPage.objects.child_of(home).get(slug=slug)
        if not page.body:
            page.intro = intro
            page.search_description = intro
            page.body = body
            page.save_revision().publish()
    # Set up with its text as a draft for the network to review: the demo publishes it.
    privacy = StandardPage.objects.child_of(home).get(slug=PRIVACY_SLUG)
    if not privacy.live:
        privacy.get_latest_revision().publish()
    for username in _seed_accounts():
        log(f"Compte de démonstration : {username} / {DEMO_PASSWORD}")


def _seed_settings() -> None:
    network = NetworkSettings.for_site(Site.objects.get(is_default_site=True))
    if not network.contact_email:
        network.network_name = "Relais"
        network.tagline = "Le réseau de l'inclusion numérique du bassin chambérien"
        network.contact_email = "contact@relais.example.org"
        network.footer_text = (
            "Un réseau de structures qui accompagnent les habitants dans leurs usages du numérique."
        )
        network.save()


def _seed_accounts() -> list[str]:
    user_model = get_user_model()
    for username, (first_name, last_name, is_superuser) in DEMO_ACCOUNTS.items():
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@relais.example.org",
                "is_superuser": is_superuser,
                "is_staff": is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
    return list(DEMO_ACCOUNTS)
