"""The watch's share of the demo: six calls of the kinds a digital-inclusion network looks for
(a European fund, a regional call, a CAF call, a foundation's prize, a call published by a
partner structure, a standing State grant), and where three structures stand on them.

Every call is fictional and says so in its title and its text; its dates are set around the
day the demo is loaded, so that the watch shows each status (open, closing, not yet open,
permanent, and one closed in the archive). Idempotent: a call already there is left as it is.
"""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from structures.models import StructurePage, Term, Vocabulary
from veille.models import (
    AppelKind,
    AppelPage,
    Funder,
    FunderKind,
    Interest,
    InterestStatus,
    Recurrence,
    Scope,
    Theme,
    VeilleIndexPage,
)

EXAMPLE = (
    "<p><i>Appel fictif, créé pour la démonstration de Relais : ses dates, ses montants et ses "
    "liens ne sont pas réels.</i></p>"
)

# name → (kind, website)
FUNDERS = {
    "Union européenne — Fonds social européen (FSE+)": (
        FunderKind.EUROPE,
        "https://fse.example.org/",
    ),
    "Région Auvergne-Rhône-Alpes": (FunderKind.REGION, "https://region.example.org/"),
    "CAF de la Savoie": (FunderKind.CAF, "https://caf.example.org/"),
    "Fondation Lien et Numérique (fictive)": (
        FunderKind.FOUNDATION,
        "https://fondation.example.org/",
    ),
    "Grand Chambéry": (FunderKind.INTERCOMMUNAL, ""),
    "Préfecture de la Savoie": (FunderKind.STATE, "https://prefecture.example.org/"),
}

# "opens" and "closes": days from the day the demo is loaded (None: no such date).
CALLS = [
    {
        "slug": "fse-inclusion-numerique-exemple",
        "title": "Fonds social européen : parcours vers l'autonomie numérique (exemple)",
        "summary": "Des montants importants pour des parcours longs, mais un dossier exigeant : "
        "cofinancement à trouver, dépenses payées après justification.",
        "kind": AppelKind.CALL_FOR_PROJECTS,
        "recurrence": Recurrence.RECURRING,
        "opens": -30,
        "closes": 75,
        "funders": ["Union européenne — Fonds social européen (FSE+)"],
        "amount_min": 50_000,
        "amount_max": 300_000,
        "rate_max": 60,
        "amount_note": "au moins 40 % des dépenses financées par d'autres",
        "themes": ["Inclusion numérique", "Emploi et insertion"],
        "typologies": ["ASSO", "ACI", "EI", "CCAS"],
        "scope": Scope.EUROPE,
        "perimeter": "Auvergne-Rhône-Alpes (programme régional)",
        "description": "<p>Financer des parcours d'accompagnement de plusieurs mois pour des "
        "personnes éloignées de l'emploi, dont le numérique est un frein : diagnostic, ateliers "
        "en petits groupes, suivi individuel jusqu'à l'autonomie.</p>"
        "<p>Le réseau a déjà constaté la lourdeur de ces dossiers : mieux vaut les monter à "
        "plusieurs structures et prévoir la trésorerie, car les paiements arrivent après coup.</p>",
        "eligibility": "<p>Personnes morales ; projet d'au moins douze mois ; publics suivis "
        "nommément, avec des indicateurs d'entrée et de sortie.</p>",
    },
    {
        "slug": "ami-aidants-numeriques-exemple",
        "title": "Former les aidants numériques de proximité (exemple)",
        "summary": "La Région soutient la formation des agents d'accueil, travailleurs sociaux "
        "et bénévoles qui orientent les habitants vers une aide au numérique.",
        "kind": AppelKind.CALL_FOR_INTEREST,
        "recurrence": Recurrence.ONE_OFF,
        "opens": -20,
        "closes": 18,
        "funders": ["Région Auvergne-Rhône-Alpes"],
        "amount_max": 20_000,
        "rate_max": 50,
        "themes": ["Formation des aidants", "Inclusion numérique"],
        "typologies": ["ASSO", "CCAS", "CS", "EPCI", "MUNI"],
        "scope": Scope.REGION,
        "perimeter": "Auvergne-Rhône-Alpes",
        "description": "<p>Sessions courtes pour repérer une difficulté avec le numérique, "
        "savoir quand faire à la place de la personne et vers qui l'orienter. Les projets "
        "portés à l'échelle d'un bassin de vie sont attendus.</p>",
        "eligibility": "<p>Structures publiques et associations ; une lettre d'intention de "
        "deux pages suffit à ce stade.</p>",
    },
    {
        "slug": "caf-familles-et-numerique-exemple",
        "title": "Accompagner les familles dans leurs démarches en ligne (exemple)",
        "summary": "La CAF finance les ateliers qui aident les parents à gérer leurs comptes en "
        "ligne et à suivre la scolarité de leurs enfants.",
        "kind": AppelKind.CALL_FOR_PROJECTS,
        "recurrence": Recurrence.RECURRING,
        "opens": 21,
        "closes": 70,
        "funders": ["CAF de la Savoie"],
        "amount_max": 15_000,
        "rate_max": 80,
        "themes": ["Parentalité et familles", "Accès aux droits", "Inclusion numérique"],
        "typologies": ["CS", "CSC", "EVS", "ASSO"],
        "scope": Scope.DEPARTMENT,
        "perimeter": "Savoie",
        "description": "<p>Ateliers parents-enfants, permanences pendant les inscriptions "
        "scolaires, aide à la création des comptes : l'appel soutient le temps d'animation et "
        "le petit matériel.</p>",
        "eligibility": "<p>Centres sociaux, espaces de vie sociale et associations familiales "
        "de la Savoie.</p>",
    },
    {
        "slug": "prix-reemploi-solidaire-exemple",
        "title": "Prix du réemploi solidaire d'ordinateurs (exemple)",
        "summary": "Trois lauréats récompensés pour avoir remis en état des ordinateurs et les "
        "avoir confiés, avec un accompagnement, à des foyers qui n'en avaient pas.",
        "kind": AppelKind.PRIZE,
        "recurrence": Recurrence.RECURRING,
        "opens": -120,
        "closes": -15,
        "funders": ["Fondation Lien et Numérique (fictive)"],
        "amount_max": 5_000,
        "amount_note": "par lauréat",
        "themes": ["Équipement et réemploi", "Inclusion numérique"],
        "typologies": [],
        "scope": Scope.NATIONAL,
        "description": "<p>Le jury regarde comment les personnes sont repérées avec les services "
        "sociaux, ce qu'elles paient, et l'aide qu'elles reçoivent après la remise de "
        "l'appareil.</p>",
    },
    {
        "structure": "grand-chambery",
        "slug": "numerique-de-proximite-exemple",
        "title": "Appel à projets « Numérique de proximité » (exemple)",
        "summary": "L'intercommunalité soutient les permanences numériques ouvertes en soirée ou "
        "le samedi dans les communes qui n'en ont pas.",
        "kind": AppelKind.CALL_FOR_PROJECTS,
        "recurrence": Recurrence.ONE_OFF,
        "opens": -40,
        "closes": 5,
        "deadline_time": time(12, 0),
        "funders": ["Grand Chambéry"],
        "amount_min": 2_000,
        "amount_max": 8_000,
        "themes": ["Inclusion numérique", "Accès aux droits"],
        "typologies": ["ASSO", "CS", "CCAS", "MUNI"],
        "scope": Scope.INTERCOMMUNAL,
        "perimeter": "Grand Chambéry",
        "description": "<p>Les projets menés à deux structures, l'une qui accueille et l'autre "
        "qui anime, sont prioritaires. Une réunion d'information est proposée aux "
        "candidats.</p>",
        "eligibility": "<p>Structures ayant une activité sur le territoire de l'agglomération.</p>",
    },
    {
        "slug": "soutien-lieux-de-mediation-exemple",
        "title": "Soutien au fonctionnement des lieux de médiation numérique (exemple)",
        "summary": "Une aide de l'État demandée à tout moment de l'année, pour le matériel et "
        "les heures d'ouverture des lieux d'aide au numérique.",
        "kind": AppelKind.STANDING_GRANT,
        "recurrence": Recurrence.PERMANENT,
        "opens": None,
        "closes": None,
        "funders": ["Préfecture de la Savoie"],
        "rate_max": 50,
        "themes": ["Inclusion numérique", "Accès aux droits"],
        "typologies": [],
        "scope": Scope.DEPARTMENT,
        "perimeter": "Savoie",
        "description": "<p>Les demandes sont examinées au fil de l'eau, dans la limite des "
        "crédits de l'année.</p>",
    },
]

# (structure slug, call slug, status, note, demo account that recorded it)
INTERESTS = [
    (
        "clef-chantemerle",
        "caf-familles-et-numerique-exemple",
        InterestStatus.PREPARING,
        "Dossier monté avec le CCAS de La Ravoire",
        "editrice",
    ),
    (
        "regie-coup-de-pouce",
        "prix-reemploi-solidaire-exemple",
        InterestStatus.OBTAINED,
        "Lauréate : des ordinateurs remis en état pour les familles du quartier",
        "participant",
    ),
    (
        "ccas-la-ravoire",
        "numerique-de-proximite-exemple",
        InterestStatus.INTERESTED,
        "",
        "",
    ),
]


def seed(*, home, log) -> None:
    today = timezone.localdate()
    funders = _seed_funders()
    themes = {theme.name: theme for theme in Theme.objects.all()}
    watch = VeilleIndexPage.objects.get()
    structures = {page.slug: page for page in StructurePage.objects.all()}
    created = 0
    for data in CALLS:
        fields = dict(data)
        parent = structures.get(fields.pop("structure", ""), watch)
        if AppelPage.objects.child_of(parent).filter(slug=fields["slug"]).exists():
            continue
        opens, closes = fields.pop("opens"), fields.pop("closes")
        names = fields.pop("funders")
        wanted_themes = fields.pop("themes")
        codes = fields.pop("typologies")
        fields["description"] = EXAMPLE + fields["description"]
        call = parent.add_child(
            instance=AppelPage(
                opening_date=None if opens is None else today + timedelta(days=opens),
                deadline=None if closes is None else today + timedelta(days=closes),
                official_url=f"https://appels.example.org/{fields['slug']}/",
                **fields,
            )
        )
        call.funders = [funders[name] for name in names]
        call.themes = [themes[name] for name in wanted_themes if name in themes]
        call.terms = list(Term.objects.filter(vocabulary=Vocabulary.TYPOLOGIE, code__in=codes))
        call.save_revision().publish()
        created += 1
    _seed_interests(structures)
    log(f"Veille : {created} appel(s) d'exemple ajouté(s).")


def _seed_funders() -> dict[str, Funder]:
    funders = {}
    for name, (kind, website) in FUNDERS.items():
        funders[name], _created = Funder.objects.get_or_create(
            name=name, defaults={"kind": kind, "website": website}
        )
    return funders


def _seed_interests(structures: dict[str, StructurePage]) -> None:
    calls = {call.slug: call for call in AppelPage.objects.filter(slug__endswith="-exemple")}
    users = get_user_model().objects.in_bulk(
        [username for *_rest, username in INTERESTS if username], field_name="username"
    )
    for structure_slug, call_slug, status, note, username in INTERESTS:
        if structure_slug in structures and call_slug in calls:
            Interest.objects.get_or_create(
                call=calls[call_slug],
                structure=structures[structure_slug],
                defaults={"status": status, "note": note, "updated_by": users.get(username)},
            )
