"""The agenda's share of the demo: the network's recurring sessions and the review day's events.
Facts from the review day of the Transistor incubator; the wording is Relais's."""

from datetime import datetime
from zoneinfo import ZoneInfo

from agenda.models import AgendaPage, Category, EventPage, Mode
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
