"""The wiki's share of the demo: five resources (and a sub-page) on orienting people, refurbished
computers, volunteers and making a digital space known, tagged and linked to each other, with
a few comments and one open question.

Facts from the seeds (a guide for public digital helpers, a Canadian guide on referral systems,
a Swiss association that refurbishes laptops with social services, the Transistor review day of
9 May 2023); the wording is Relais's. Idempotent: a resource that exists is left alone, so what
participants changed since stays. `link` runs once every app has seeded (see seed_demo): it
chooses the methods and the review day, which the bilans' demo creates after this one.
"""

from django.contrib.auth import get_user_model

from wagtail.models import Page
from wagtail.rich_text import RichText

from ressources.models import (
    Comment,
    RelatedBilan,
    RelatedMethod,
    RessourceIndexPage,
    RessourcePage,
    Theme,
)
from structures.models import LieuIndexPage, StructurePage
from website.blocks import heading, paragraph

REVIEW_DAY = "journee-bilan-du-transistor-9-mai-2023"


def _callout(title: str, html: str) -> tuple:
    return ("callout", {"title": title, "text": RichText(html)})


def _steps(*steps: tuple[str, str]) -> tuple:
    return ("steps", {"steps": [{"title": title, "text": RichText(text)} for title, text in steps]})


def _checklist(title: str, *items: str) -> tuple:
    return ("checklist", {"title": title, "items": list(items)})


def _table(caption: str, columns: list[str], *rows: list[str]) -> tuple:
    return ("table", {"caption": caption, "columns": columns, "rows": [{"cells": r} for r in rows]})


RESSOURCES = [
    {
        "slug": "reorienter-une-demande",
        "title": "Réorienter une demande qu'on ne peut pas traiter",
        "summary": "Apprendre, réparer, chercher un emploi, une démarche trop floue : que faire "
        "soi-même, et vers qui passer la main.",
        "kind": "fiche",
        "audiences": ["professionnels", "benevoles"],
        "themes": ["Orientation"],
        "tags": ["orientation", "accueil", "réparation"],
        "structures": ["ccas-la-ravoire", "clef-chantemerle"],
        "used_by": ["clef-chantemerle"],
        "author": "editrice",
        "body": [
            paragraph(
                "<p>La personne qui tient une permanence numérique sait un peu de tout, sans être "
                "spécialiste du social, du droit ou de l'emploi. Se lancer dans une démarche qu'on "
                "ne maîtrise pas peut faire du tort à celui qu'on aide : on a le droit de "
                "s'arrêter en route, et on n'est pas seul pour la suite.</p>"
            ),
            _table(
                "Vers qui orienter, selon la demande",
                ["La personne veut…", "Ce qu'on peut faire sur place", "Vers qui orienter"],
                [
                    "Apprendre, suivre un cours",
                    "Lui demander ce qu'elle veut savoir faire et pour quoi, lui montrer tout "
                    "de suite un usage qui y répond",
                    "Un atelier d'initiation ou l'espace numérique le plus proche",
                ],
                [
                    "Réparer ou entretenir son matériel",
                    "Nommer la panne en quelques mots-clés, chercher ensemble ; si c'est simple, "
                    "réparer avec elle",
                    "Un repair café : chercher ensemble son adresse, ses horaires, son téléphone",
                ],
                [
                    "Être accompagnée vers l'emploi",
                    "Mettre en forme un CV ou une lettre",
                    "La mission locale ou l'agence France Travail la plus proche",
                ],
                [
                    "Une démarche trop complexe ou trop floue",
                    "S'arrêter, ne pas deviner",
                    "Un médiateur référent, puis un travailleur social (voir les étapes)",
                ],
            ),
            heading("Quand la demande dépasse la permanence"),
            _steps(
                (
                    "C'est l'outil ou le site qui pose problème",
                    "<p>Appeler un médiateur référent disponible, ou proposer une autre "
                    "permanence du réseau.</p>",
                ),
                (
                    "C'est la démarche elle-même qu'on ne comprend pas",
                    "<p>Demander au travailleur social présent de s'y joindre ou de prendre le "
                    "relais : il peut aider directement ou orienter vers une administration.</p>",
                ),
                (
                    "Personne n'est là pour prendre le relais",
                    "<p>Orienter vers une structure du réseau, trouvée avec la personne dans "
                    "l'annuaire des espaces numériques, en notant le téléphone et les horaires.</p>",
                ),
            ),
            _callout(
                "Des demandes à ne pas traiter seul",
                "<ul><li>Chercher un logement quand la situation de la personne n'est pas "
                "claire.</li><li>Une déclaration d'impôts dont il manque des pièces.</li>"
                "<li>Une opération bancaire plus compliquée qu'un virement.</li><li>Une démarche "
                "qui exige une adresse électronique que la personne ne veut pas créer.</li></ul>",
            ),
        ],
        "see_also": ["ce-qui-fait-qu-une-orientation-marche"],
        "directory": True,
    },
    {
        "slug": "ce-qui-fait-qu-une-orientation-marche",
        "title": "Ce qui fait qu'une orientation marche",
        "summary": "Une liste à jour, un relais passé en personne et un retour après coup : les "
        "trois conditions pour que personne ne se perde entre deux structures.",
        "kind": "guide",
        "audiences": ["professionnels"],
        "themes": ["Orientation", "Partenariats"],
        "tags": ["orientation", "partenariat", "annuaire"],
        "structures": ["grand-chambery", "agate"],
        "used_by": [],
        "author": "animatrice",
        "body": [
            paragraph(
                "<p>Aucune structure du réseau ne rend à elle seule tous les services dont une "
                "personne a besoin. Le risque n'est pas l'orientation elle-même, mais le passage "
                "d'une porte à l'autre, où l'on perd des gens.</p>"
            ),
            _checklist(
                "Trois conditions",
                "Une liste des structures vers qui orienter, avec un contact et ce qu'elles font, "
                "connue de toute l'équipe et pas seulement d'une personne, et tenue à jour",
                "Un relais accompagné : appeler la structure devant la personne, venir avec elle "
                "au premier rendez-vous, ou demander à la structure de confirmer le contact",
                "Un retour : vérifier auprès de la personne et de la structure que l'orientation "
                "était la bonne (un appel, un courriel, un court questionnaire)",
            ),
            _callout(
                "Sur Relais",
                "<p>Chaque structure affiche la date de la dernière vérification de ses "
                "informations d'orientation : relisez-les après tout changement d'horaires ou "
                "de contact.</p>",
            ),
            heading("À distance ou en personne ?"),
            paragraph(
                "<p>L'accompagnement à distance aide ceux pour qui se déplacer coûte (temps, "
                "transport, garde d'enfants) et permet de remplir un formulaire en partageant "
                "l'écran. Il ne doit pas être la seule porte : pour beaucoup, surtout les plus "
                "âgés, le rendez-vous en personne reste le plus simple et celui où la confiance "
                "se construit le mieux.</p>"
            ),
        ],
        "see_also": ["reorienter-une-demande"],
        "directory": True,
    },
    {
        "slug": "ordinateurs-reconditionnes-un-partenariat",
        "title": "Des ordinateurs reconditionnés pour ceux qui en ont besoin : monter un partenariat",
        "summary": "Travailler avec une association qui reconditionne des ordinateurs : qui en a "
        "besoin, qui paie quoi, comment s'organiser et faire le point.",
        "kind": "guide",
        "audiences": ["professionnels"],
        "themes": ["Équipement", "Partenariats"],
        "tags": ["équipement", "reconditionnement", "partenariat"],
        "structures": ["regie-coup-de-pouce", "ccas-la-ravoire"],
        "used_by": [],
        "author": "participant",
        "body": [
            paragraph(
                "<p>En Suisse, une association qui remet en état des ordinateurs portables a "
                "cessé ses journées de distribution, où l'on faisait la queue plus d'une heure, "
                "pour passer par les services sociaux des communes. Ce sont eux qui connaissent "
                "les personnes qui ont besoin d'un appareil ; l'association envoie l'ordinateur "
                "chez elles. Le modèle se transpose à un CCAS ou une régie de quartier.</p>"
            ),
            _steps(
                ("La structure reçoit la demande", ""),
                ("Elle l'examine", "<p>Selon les priorités qu'elle s'est données.</p>"),
                ("Elle l'enregistre chez l'association partenaire", ""),
                ("L'association envoie l'appareil par la poste à la personne", ""),
                (
                    "La structure règle la participation convenue",
                    "<p>Là-bas, 150 francs suisses par appareil envoyé : signer le partenariat "
                    "ne coûte rien tant qu'on ne s'en sert pas.</p>",
                ),
            ),
            _checklist(
                "Qui a besoin d'un appareil ?",
                "Ceux qui y ont déjà droit par un dispositif existant",
                "Ceux qu'un ordinateur aiderait à retrouver un emploi (candidatures, recherches "
                "depuis chez soi)",
                "Ceux qui apprennent le français en ligne",
                "Les familles qu'un équipement correct aide à ne pas basculer dans la pauvreté",
                "Et un ordre de priorité, décidé à l'avance",
            ),
            paragraph(
                "<p>On ne sait pas toujours qui est équipé : les entretiens le révèlent vite, et "
                "une lettre d'information, un dépliant à l'accueil ou une page du site font "
                "connaître l'offre.</p>"
            ),
            heading("Qui paie la participation ?"),
            paragraph(
                "<p>La structure choisit : tout prendre en charge, tout refacturer ou laisser "
                "une petite part à la personne (un tiers, par exemple). Pour quelqu'un qui compte "
                "chaque euro, la différence est grande. L'association facture chaque partenaire "
                "une fois ; une référence interne sur chaque demande aide à répartir entre "
                "services.</p>"
            ),
            _callout(
                "Faire le point",
                "<p>Au moins une fois par semestre, un petit cycle d'amélioration : prévoir, "
                "faire, vérifier ce qui a marché, corriger.</p>",
            ),
        ],
        "see_also": [],
    },
    {
        "slug": "organiser-les-demandes-d-appareils",
        "parent": "ordinateurs-reconditionnes-un-partenariat",
        "title": "Organiser les demandes d'appareils dans sa structure",
        "summary": "Une seule personne qui saisit, ou plusieurs sur un même compte : deux façons "
        "de faire selon la taille de la structure.",
        "kind": "fiche",
        "audiences": ["professionnels"],
        "themes": ["Équipement"],
        "tags": ["équipement", "organisation"],
        "structures": [],
        "used_by": [],
        "author": "participant",
        "body": [
            _checklist(
                "Avant la première demande",
                "Toute l'équipe connaît le circuit interne",
                "Ceux qui saisissent ont lu le mode d'emploi",
                "Ils ont l'adresse du guichet de l'association, l'identifiant et le mot de passe",
            ),
            _table(
                "Petite ou grande structure",
                ["", "Petite structure", "Grande structure"],
                ["Qui saisit", "Une seule personne", "Un responsable par service"],
                ["Compte", "Un compte pour la structure", "Le même compte, partagé"],
                [
                    "Pourquoi",
                    "Des demandes saisies toutes de la même façon",
                    "Des comptes personnels seulement si des services distincts saisissent",
                ],
            ),
            _callout(
                "Après l'envoi",
                "<p>Chaque appareil arrive avec un lien et un code QR vers l'aide de "
                "l'association : renvoyez-y les questions sur son utilisation.</p>",
            ),
        ],
        "see_also": [],
    },
    {
        "slug": "trouver-des-benevoles",
        "title": "Trouver des bénévoles pour ses ateliers",
        "summary": "Les idées d'un accélérateur de projet de la journée bilan, quand le CCAS de La "
        "Ravoire a repris les ateliers de français des Épinettes.",
        "kind": "retour",
        "audiences": ["professionnels", "benevoles"],
        "themes": ["Bénévolat"],
        "tags": ["bénévolat", "ateliers", "ASL"],
        "structures": ["ccas-la-ravoire", "residence-les-epinettes"],
        "used_by": ["ccas-la-ravoire"],
        "author": "animatrice",
        "methods": ["accelerateur-de-projet"],
        "body": [
            paragraph(
                "<p>Lors de la journée bilan du 9 mai 2023, le CCAS de La Ravoire, qui reprenait "
                "les ateliers socio-linguistiques tenus jusque-là par la résidence Les "
                "Épinettes, a demandé au groupe comment trouver des bénévoles. Voici ce qui en "
                "est sorti.</p>"
            ),
            _checklist(
                "Où chercher",
                "Les plateformes de bénévolat, comme JeVeuxAider.gouv.fr ou France Bénévolat : "
                "y publier la mission",
                "L'université, par le centre ressources savoyard : bénévoles, stagiaires, "
                "services civiques",
                "Une accorderie, où le temps donné ouvre droit à des services en retour",
            ),
            _checklist(
                "Ce qui donne envie de rester",
                "Une fiche de mission claire : ce qu'on attend, ce qui est offert",
                "Un tutorat ou un parrainage par un bénévole plus ancien",
                "Des séances qui commencent en binôme, pour que la confiance s'installe",
                "Des horaires d'ateliers qui conviennent à d'autres que les retraités",
                "Des calendriers d'ateliers et de formation accordés",
            ),
        ],
        "see_also": ["faire-connaitre-un-espace-numerique"],
    },
    {
        "slug": "faire-connaitre-un-espace-numerique",
        "title": "Faire connaître un espace numérique",
        "summary": "Les habitants savent que l'espace existe mais n'osent pas entrer : ce que le "
        "réseau a proposé au CLEF Chantemerle pour l'espace du Piochet.",
        "kind": "retour",
        "audiences": ["professionnels", "benevoles"],
        "themes": ["Communication"],
        "tags": ["communication", "aller-vers", "affichage"],
        "structures": ["clef-chantemerle"],
        "used_by": ["clef-chantemerle"],
        "author": "editrice",
        "methods": ["accelerateur-de-projet"],
        "body": [
            paragraph(
                "<p>Au Piochet, tout le monde sait qu'il y a un espace numérique, mais beaucoup "
                "n'osent pas pousser la porte ni dire qu'ils ont besoin d'aide. Et comme tout "
                "se passe au CLEF, l'espace se perd parmi ses autres activités.</p>"
            ),
            _checklist(
                "Aller vers les habitants",
                "Repérer les personnes relais du quartier, celles vers qui tout le monde va",
                "Poser des affiches dans le quartier : la communication passait surtout par "
                "les réseaux sociaux",
                "Afficher aussi chez les autres structures : mairie de quartier, bibliothèque, "
                "pôle de santé, centre social",
                "Faire du porte-à-porte : rien ne vaut l'aller-vers",
            ),
            _callout(
                "Un dépliant ne suffit pas",
                "<p>Expliquez aux personnes relais de chaque structure ce que dit le support, "
                "pour qu'elles puissent en parler.</p>",
            ),
            paragraph(
                "<p>Deux précautions : régler d'abord les problèmes techniques, pour ne pas "
                "promettre un lieu qui ne fonctionne pas ; et adapter les supports aux personnes "
                "qui apprennent le français (le centre ressources savoyard forme à cela).</p>"
            ),
        ],
        "see_also": ["trouver-des-benevoles", "reorienter-une-demande"],
    },
]

# (resource, author, text, question?, reply to the comment of index…)
COMMENTS = [
    (
        "reorienter-une-demande",
        "animatrice",
        "Au CLEF, la liste des médiateurs référents est affichée à côté du poste d'accueil : "
        "on ne la cherche plus pendant que la personne attend.",
        False,
        None,
    ),
    (
        "reorienter-une-demande",
        "participant",
        "Bonne idée, on fait pareil à la Régie dès la semaine prochaine.",
        False,
        0,
    ),
    (
        "ordinateurs-reconditionnes-un-partenariat",
        "participant",
        "Quelqu'un connaît-il une association du bassin chambérien qui reconditionne des "
        "ordinateurs pour les structures ? Nous avons plusieurs demandes en attente.",
        True,
        None,
    ),
    (
        "trouver-des-benevoles",
        "editrice",
        "Relisez la fiche de mission avec les bénévoles déjà présents : ils savent mieux que "
        "nous ce qui les a fait rester.",
        False,
        None,
    ),
]


def seed(*, home, log) -> None:
    wiki = RessourceIndexPage.objects.get()
    users = get_user_model().objects.in_bulk(
        ["admin", "animatrice", "editrice", "participant"], field_name="username"
    )
    structures = {page.slug: page for page in StructurePage.objects.all()}
    created = {}
    for data in RESSOURCES:
        parent = RessourcePage.objects.get(slug=data["parent"]) if data.get("parent") else wiki
        if not RessourcePage.objects.filter(slug=data["slug"]).exists():
            created[data["slug"]] = _create(parent, data, structures, users.get(data["author"]))
    _cross_link(created, users.get("animatrice"))
    _comment(created, users)
    if created:
        log(f"Ressources : {len(created)} ressources du wiki.")


def _create(parent, data: dict, structures: dict, author) -> RessourcePage:
    page = RessourcePage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        kind=data["kind"],
        audiences=data["audiences"],
        body=data["body"],
    )
    page.themes = [Theme.objects.get_or_create(name=name)[0] for name in data["themes"]]
    page.related_structures = [structures[s] for s in data["structures"] if s in structures]
    page.used_by = [structures[s] for s in data["used_by"] if s in structures]
    parent.add_child(instance=page)
    page.tags.add(*data["tags"])
    page.save_revision(user=author).publish(user=author)
    return page


def _cross_link(created: dict, author) -> None:
    """A second version of each new resource adds its "see also" links: cross-links need the
    other pages to exist, and the history then shows a comparison."""
    directory = LieuIndexPage.objects.live().first()
    for data in RESSOURCES:
        page = created.get(data["slug"])
        targets = [created[slug] for slug in data["see_also"] if slug in created]
        if page is None or not (targets or data.get("directory")):
            continue
        links = [{"label": target.title[:60], "page": target} for target in targets]
        if data.get("directory") and directory:
            links.append({"label": "Trouver un espace numérique", "page": directory})
        page = RessourcePage.objects.get(pk=page.pk)
        page.body.append(("links", {"title": "Voir aussi", "links": links}))
        page.save_revision(user=author).publish(user=author)


def _comment(created: dict, users: dict) -> None:
    posted = []
    for slug, username, body, question, reply_to in COMMENTS:
        page = created.get(slug)
        if page is None or username not in users:
            posted.append(None)
            continue
        parent = posted[reply_to] if reply_to is not None else None
        posted.append(
            Comment.objects.create(
                page=page, author=users[username], body=body, is_question=question, parent=parent
            )
        )


def link(*, home, log) -> None:
    """Choose the methods and the review day, once the bilans' demo has made them. Only for
    resources that have chosen none yet, so a participant's choice stays."""
    methods = {page.slug: page for page in _pages("bilans", "methodpage")}
    review_day = _pages("bilans", "bilanpage").filter(slug=REVIEW_DAY).first()
    author = get_user_model().objects.filter(username="animatrice").first()
    for data in RESSOURCES:
        page = RessourcePage.objects.filter(slug=data["slug"]).first()
        if page is None or page.related_methods.exists() or page.related_bilans.exists():
            continue
        chosen = [methods[slug] for slug in data.get("methods", []) if slug in methods]
        days = [review_day] if review_day and not data.get("parent") else []
        if not chosen and not days:
            continue
        page = page.get_latest_revision_as_object()
        page.related_methods = [RelatedMethod(target=method) for method in chosen]
        page.related_bilans = [RelatedBilan(target=day) for day in days]
        page.save_revision(user=author).publish(user=author)


def _pages(app_label: str, model: str):
    """Pages of another app's type, by name: the wiki does not import the bilans."""
    return Page.objects.live().filter(content_type__app_label=app_label, content_type__model=model)
