"""The agenda's share of the demo: the network's recurring sessions and the review day's events.
Facts from the review day of the Transistor incubator; the wording is Relais's."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from agenda.models import AgendaPage, Category, EventPage, Mode
from agenda.moderation import save_event
from structures.models import LieuPage, StructurePage

PARIS = ZoneInfo("Europe/Paris")

EVENTS = [
    {
        "structure": "clef-chantemerle",
        "place": "espace-numerique-du-piochet",
        "slug": "permanence-du-vendredi-au-piochet",
        "title": "Permanence numérique du vendredi matin",
        "summary": "Sans rendez-vous : venez avec votre téléphone ou vos papiers, une médiatrice "
        "vous aide pour vos démarches en ligne.",
        "start": datetime(2026, 9, 4, 9, 0, tzinfo=PARIS),
        "end": datetime(2026, 9, 4, 12, 0, tzinfo=PARIS),
        "recurrence": "FREQ=WEEKLY;BYDAY=FR",
        "exceptions": "25/12/2026\n01/01/2027",
        "category": Category.DROP_IN,
        "accessibility": "Salle de plain-pied, accessible en fauteuil roulant.",
        "registration_phone": "04 65 71 00 02",
    },
    {
        "structure": "residence-les-epinettes",
        "place": "espace-numerique-des-epinettes",
        "slug": "ateliers-socio-linguistiques",
        "title": "Ateliers socio-linguistiques (ASL)",
        "summary": "Apprendre le français de tous les jours en utilisant le numérique : prendre un "
        "rendez-vous, lire un courriel, remplir un formulaire.",
        "start": datetime(2026, 9, 8, 14, 0, tzinfo=PARIS),
        "end": datetime(2026, 9, 8, 16, 0, tzinfo=PARIS),
        "recurrence": "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630",
        "category": Category.WORKSHOP,
        "registration_email": "residence@epinettes.example.org",
    },
    {
        "structure": "agate",
        "slug": "cycle-de-formation-des-acteurs-de-terrain",
        "title": "Cycle de formation des acteurs de terrain",
        "summary": "Une séance par mois, sur un thème différent, pour les médiateurs, les agents "
        "d'accueil et les bénévoles du réseau.",
        "start": datetime(2026, 10, 5, 9, 30, tzinfo=PARIS),
        "end": datetime(2026, 10, 5, 12, 30, tzinfo=PARIS),
        "recurrence": "FREQ=MONTHLY;BYDAY=1MO;COUNT=9",
        "category": Category.TRAINING,
        "address": "Chambéry",
    },
    {
        "structure": "agate",
        "slug": "adapter-ses-supports-au-niveau-de-francais",
        "title": "Formation : adapter ses supports quand le français n'est pas acquis",
        "summary": "Avec le centre ressources savoyard, des façons simples de rendre un support "
        "d'atelier lisible par des personnes qui apprennent le français.",
        "start": datetime(2027, 1, 19, 14, 0, tzinfo=PARIS),
        "end": datetime(2027, 1, 19, 17, 0, tzinfo=PARIS),
        "category": Category.TRAINING,
        "address": "Chambéry",
    },
    {
        "structure": "grand-chambery",
        "slug": "conference-le-numerique-au-quotidien",
        "title": "Conférence : le numérique au quotidien",
        "summary": "Pour les personnes qui suivent les ateliers : se protéger des arnaques, "
        "garder ses papiers en ligne, trouver de l'aide près de chez soi.",
        "start": datetime(2027, 3, 11, 18, 0, tzinfo=PARIS),
        "end": datetime(2027, 3, 11, 19, 30, tzinfo=PARIS),
        "category": Category.CONFERENCE,
        "mode": Mode.BOTH,
        "address": "Chambéry",
        "online_url": "https://visio.example.org/numerique-au-quotidien",
    },
    {
        "structure": "agate",
        "slug": "journee-bilan-transistor",
        "title": "Journée bilan de l'incubateur Transistor",
        "summary": "Deux ans d'incubation en revue : ce qu'on commence, ce qu'on arrête, ce qu'on "
        "continue, et les projets pour la suite.",
        "start": datetime(2023, 5, 9, 0, 0, tzinfo=PARIS),
        "end": datetime(2023, 5, 9, 23, 59, tzinfo=PARIS),
        "all_day": True,
        "category": Category.REVIEW_DAY,
        "address": "Chambéry",
    },
    {
        "structure": "agate",
        "slug": "conference-de-cloture-transistor",
        "title": "Conférence de clôture de Transistor",
        "summary": "Les structures présentent ce que l'incubateur a changé pour les habitants et "
        "ce que le réseau garde en commun.",
        "start": datetime(2023, 6, 29, 14, 0, tzinfo=PARIS),
        "end": datetime(2023, 6, 29, 17, 30, tzinfo=PARIS),
        "category": Category.CONFERENCE,
        "address": "Chambéry",
    },
]


def seed(*, home, log) -> None:
    created = 0
    for data in EVENTS:
        fields = dict(data)
        structure = StructurePage.objects.filter(slug=fields.pop("structure")).first()
        parent = structure or AgendaPage.objects.get()
        place_slug = fields.pop("place", None)
        if place_slug:
            fields["place"] = LieuPage.objects.filter(slug=place_slug).first()
            fields["mode"] = Mode.IN_PERSON
        if EventPage.objects.child_of(parent).filter(slug=fields["slug"]).exists():
            continue
        parent.add_child(instance=EventPage(**fields)).save_revision().publish()
        created += 1
    log(f"Agenda : {created} événement(s) ajouté(s).")
    _seed_proposal(log)


def _seed_proposal(log) -> None:
    """A member's proposal waiting for moderation, so that the queue has something to show."""
    participant = get_user_model().objects.filter(username="participant").first()
    structure = StructurePage.objects.filter(slug="regie-coup-de-pouce").first()
    if participant is None or structure is None:
        return
    if EventPage.objects.child_of(structure).filter(slug=PROPOSAL["slug"]).exists():
        return
    page = EventPage(**PROPOSAL)
    save_event(page=page, parent=structure, user=participant)
    log("Agenda : 1 proposition en attente de modération.")


PROPOSAL = {
    "slug": "atelier-smartphone-a-la-regie",
    "title": "Atelier « premiers pas sur smartphone »",
    "summary": "Quatre mardis pour apprendre à se servir de son téléphone : appels, photos, "
    "messages et applications utiles.",
    "start": datetime(2027, 1, 5, 14, 0, tzinfo=PARIS),
    "end": datetime(2027, 1, 5, 16, 0, tzinfo=PARIS),
    "recurrence": "FREQ=WEEKLY;BYDAY=TU;COUNT=4",
    "category": Category.WORKSHOP,
    "address": "Chambéry",
}
