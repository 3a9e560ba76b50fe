"""The network's share of the demo: its structures, their digital spaces and news, and the demo
accounts' roles. Facts from the review day of the Transistor incubator; the wording is Relais's.
Addresses are approximate and phone numbers come from the range ARCEP reserves for fiction.
"""

import datetime

from django.contrib.auth import get_user_model

from wagtail.rich_text import RichText

from structures.models import (
    Facilitator,
    LieuPage,
    Membership,
    NewsPage,
    Role,
    StructureIndexPage,
    StructurePage,
    Term,
)

STRUCTURES = [
    {
        "slug": "agate",
        "title": "Agate — pôle numérique",
        "typologies": ["ASSO"],
        "commune": "Chambéry",
        "code_postal": "73000",
        "adresse": "Rue de la République",
        "telephone": "04 65 71 00 01",
        "courriel": "numerique@agate.example.org",
        "presentation": "<p>L'association coordonne le réseau : elle a porté l'incubateur Transistor pendant deux ans, "
        "anime les journées bilan et accompagne les structures dans leurs projets numériques.</p>",
        "activites": "Coordination du réseau, formation des professionnels, recherche de financements, "
        "accompagnement de nouveaux projets.",
        "publics": "Les structures du réseau et leurs équipes.",
    },
    {
        "slug": "clef-chantemerle",
        "title": "CLEF Chantemerle",
        "typologies": ["CS"],
        "commune": "La Ravoire",
        "code_postal": "73490",
        "adresse": "Quartier du Piochet",
        "telephone": "04 65 71 00 02",
        "courriel": "accueil@clef.example.org",
        "presentation": "<p>Centre social de quartier, le CLEF propose chaque vendredi matin une permanence "
        "numérique au Piochet, sans rendez-vous.</p>",
        "activites": "Accueil de loisirs, activités familiales, permanence numérique hebdomadaire.",
        "publics": "Les habitants du quartier, familles et personnes âgées.",
        "referral_needs": "Démarches en ligne simples, prise en main du téléphone ou de l'ordinateur, "
        "création d'une adresse électronique.",
        "referral_how": "Appeler l'accueil avec la personne à côté de soi, ou lui indiquer de venir le "
        "vendredi matin.",
        "referral_documents": "Identifiants des comptes en ligne, téléphone portable, pièce d'identité.",
        "referral_mode": "libre",
        "last_verified": datetime.date(2026, 9, 15),
    },
    {
        "slug": "residence-les-epinettes",
        "title": "Foyer résidence Les Epinettes",
        "typologies": ["Autre"],
        "commune": "Chambéry",
        "code_postal": "73000",
        "adresse": "Avenue des Epinettes",
        "telephone": "04 65 71 00 03",
        "courriel": "residence@epinettes.example.org",
        "presentation": "<p>Résidence pour personnes âgées autonomes. Des ateliers tablette y sont proposés "
        "aux résidents, avec l'appui de l'assistante sociale.</p>",
        "activites": "Hébergement, animation, ateliers numériques pour les résidents.",
        "publics": "Les résidents et leurs proches.",
    },
    {
        "slug": "ccas-la-ravoire",
        "title": "CCAS de La Ravoire",
        "typologies": ["CCAS"],
        "commune": "La Ravoire",
        "code_postal": "73490",
        "adresse": "Place de la Mairie",
        "telephone": "04 65 71 00 04",
        "courriel": "ccas@laravoire.example.org",
        "presentation": "<p>Le pôle social de la mairie accueille les habitants pour leurs démarches. Un "
        "conseiller numérique France Services les accompagne sur rendez-vous.</p>",
        "activites": "Accueil social, accès aux droits, accompagnement numérique individuel.",
        "publics": "Tous les habitants de la commune.",
        "referral_needs": "Accès aux droits, démarches CAF, retraite, impôts, santé.",
        "referral_how": "Prendre rendez-vous par téléphone ; expliquer la démarche en une phrase.",
        "referral_documents": "Courriers reçus, numéro d'allocataire ou de sécurité sociale.",
        "referral_mode": "rdv",
        "last_verified": datetime.date(2026, 3, 2),
    },
    {
        "slug": "regie-coup-de-pouce",
        "title": "Régie Coup de Pouce",
        "typologies": ["ASSO", "EI"],
        "commune": "Chambéry",
        "code_postal": "73000",
        "adresse": "Rue du Bon Pasteur",
        "telephone": "04 65 71 00 05",
        "courriel": "contact@regie.example.org",
        "presentation": "<p>Régie de quartier : emploi, médiation sociale et ateliers numériques, dont la "
        "découverte des compétences numériques avec PIX.</p>",
        "activites": "Insertion par l'activité économique, médiation sociale, ateliers numériques.",
        "publics": "Habitants des quartiers, personnes en recherche d'emploi.",
    },
    {
        "slug": "grand-chambery",
        "title": "Grand Chambéry",
        "typologies": ["EPCI"],
        "commune": "Chambéry",
        "code_postal": "73000",
        "adresse": "Boulevard du Musée",
        "telephone": "04 65 71 00 06",
        "courriel": "inclusion-numerique@grandchambery.example.org",
        "presentation": "<p>L'agglomération soutient la dynamique territoriale d'inclusion numérique et "
        "participe aux journées du réseau.</p>",
        "activites": "Politique de la ville, coordination à l'échelle de l'agglomération.",
        "publics": "Les communes et les structures de l'agglomération.",
    },
]

LIEUX = {
    "clef-chantemerle": {
        "slug": "espace-numerique-du-piochet",
        "title": "Espace numérique du Piochet",
        "adresse": "Quartier du Piochet",
        "commune": "La Ravoire",
        "code_postal": "73490",
        "latitude": 45.5612,
        "longitude": 5.9663,
        "telephone": "04 65 71 00 02",
        "horaires": "Fr 09:00-12:00; PH off",
        "presentation_resume": "La permanence numérique du vendredi matin, sans rendez-vous.",
        "presentation_detail": "Un médiateur aide à faire une démarche en ligne, à utiliser son téléphone "
        "ou à envoyer un document. Des ordinateurs et une imprimante sont disponibles.",
        "acces": "Bus ligne 3, arrêt Piochet. Salle de plain-pied.",
        "terms": [
            "Aide aux démarches administratives",
            "Maîtrise des outils numériques du quotidien",
            "Accès internet et matériel informatique",
            "Gratuit",
            "Se présenter",
            "Accompagnement individuel",
            "Ordinateurs en libre accès",
            "Imprimante",
            "Fixe",
            "CS",
        ],
    },
    "residence-les-epinettes": {
        "slug": "espace-numerique-des-epinettes",
        "title": "Espace numérique des Epinettes",
        "adresse": "Avenue des Epinettes",
        "commune": "Chambéry",
        "code_postal": "73000",
        "latitude": 45.5742,
        "longitude": 5.9308,
        "horaires": "Tu 14:00-16:30; PH off",
        "presentation_resume": "Ateliers tablette pour les résidents, le mardi après-midi.",
        "terms": [
            "Maîtrise des outils numériques du quotidien",
            "Loisirs et créations numériques",
            "Seniors",
            "Gratuit sous condition",
            "Dans un atelier collectif",
            "Téléphoner",
            "Tablettes",
            "Wifi",
            "Fixe",
        ],
    },
    "ccas-la-ravoire": {
        "slug": "accueil-numerique-du-ccas",
        "title": "Accueil numérique du CCAS de La Ravoire",
        "adresse": "Place de la Mairie",
        "commune": "La Ravoire",
        "code_postal": "73490",
        "latitude": 45.5626,
        "longitude": 5.9612,
        "telephone": "04 65 71 00 04",
        "horaires": "Mo-Th 08:30-12:00,13:30-17:00; Fr 08:30-12:00; PH off",
        "presentation_resume": "Un conseiller numérique France Services, sur rendez-vous.",
        "terms": [
            "Aide aux démarches administratives",
            "Utilisation sécurisée du numérique",
            "Gratuit",
            "Téléphoner",
            "Accompagnement individuel",
            "Conseillers numériques",
            "France Services",
            "Fixe",
            "CCAS",
        ],
    },
    "regie-coup-de-pouce": {
        "slug": "point-numerique-de-la-regie",
        "title": "Point numérique de la Régie",
        "adresse": "Rue du Bon Pasteur",
        "commune": "Chambéry",
        "code_postal": "73000",
        "latitude": 45.5689,
        "longitude": 5.9174,
        "horaires": "Mo,We 14:00-17:00; PH off",
        "presentation_resume": "Ateliers numériques et découverte des compétences avec PIX.",
        "terms": [
            "Insertion professionnelle via le numérique",
            "Compréhension du monde numérique",
            "Jeunes",
            "Gratuit",
            "Se présenter",
            "Dans un atelier collectif",
            "Certification PIX",
            "Fixe",
        ],
    },
}

NEWS = [
    (
        "agate",
        "journee-bilan-du-transistor",
        "Journée bilan du Transistor",
        datetime.date(2023, 5, 9),
        "Les structures de l'incubateur ont fait le point sur deux ans d'accompagnement et choisi ce qu'elles "
        "veulent créer, maintenir, amplifier, réduire ou arrêter.",
    ),
    (
        "clef-chantemerle",
        "la-permanence-du-vendredi-continue",
        "La permanence du vendredi matin continue",
        datetime.date(2026, 9, 4),
        "Après l'été, la permanence numérique du Piochet reprend chaque vendredi de 9 h à 12 h, sans "
        "rendez-vous.",
    ),
]

# Demo account → (structure slug, role); "animatrice" is on the facilitation team.
MEMBERSHIPS = {
    "editrice": ("clef-chantemerle", Role.EDITOR),
    "participant": ("regie-coup-de-pouce", Role.MEMBER),
}
FACILITATORS = ["animatrice"]


def _terms(codes: list[str]) -> list[Term]:
    return list(Term.objects.filter(code__in=codes))


def seed(*, home, log) -> None:
    index = StructureIndexPage.objects.get()
    structures = {}
    for data in STRUCTURES:
        fields = dict(data)
        typologies = fields.pop("typologies")
        presentation = fields.pop("presentation")
        structure = StructurePage.objects.child_of(index).filter(slug=fields["slug"]).first()
        if structure is None:
            structure = index.add_child(
                instance=StructurePage(presentation=RichText(presentation), **fields)
            )
            structure.terms = _terms(typologies)
            structure.save_revision().publish()
        structures[structure.slug] = structure
    for structure_slug, data in LIEUX.items():
        fields = dict(data)
        codes = fields.pop("terms")
        parent = structures[structure_slug]
        if not LieuPage.objects.child_of(parent).filter(slug=fields["slug"]).exists():
            lieu = parent.add_child(instance=LieuPage(**fields))
            lieu.terms = _terms(codes)
            lieu.save_revision().publish()
    for structure_slug, slug, title, day, intro in NEWS:
        parent = structures[structure_slug]
        if not NewsPage.objects.child_of(parent).filter(slug=slug).exists():
            parent.add_child(
                instance=NewsPage(slug=slug, title=title, date=day, intro=intro)
            ).save_revision().publish()
    _seed_roles(structures)
    log(
        f"Réseau de démonstration : {len(structures)} structures, {LieuPage.objects.count()} espaces numériques."
    )


def _seed_roles(structures: dict[str, StructurePage]) -> None:
    users = get_user_model().objects.in_bulk([*MEMBERSHIPS, *FACILITATORS], field_name="username")
    for username, (slug, role) in MEMBERSHIPS.items():
        if username in users:
            Membership.objects.get_or_create(
                user=users[username], structure=structures[slug], defaults={"role": role}
            )
    for username in FACILITATORS:
        if username in users:
            Facilitator.objects.get_or_create(user=users[username])
