"""The bilans' share of the demo: the method library and the Transistor's review day of 9 May
2023, rebuilt as sections bound to their methods, with its actions per structure (some done,
some open). Facts from the seed; the wording is Relais's. People appear by their role, not
their name. Idempotent: nothing is created twice, nothing edited since is touched."""

import datetime

from django.utils import timezone

from bilans.demo_methods import LICENCE, METHODS
from bilans.models import (
    Action,
    BilanIndexPage,
    BilanPage,
    BilanParticipation,
    MethodIndexPage,
    MethodPage,
    Status,
)
from bilans.services import create_action
from structures.models import StructurePage

SLUG = "journee-bilan-du-transistor-9-mai-2023"


def seed(*, home, log) -> None:
    methods = _seed_methods()
    structures = {page.slug: page for page in StructurePage.objects.all()}
    index = BilanIndexPage.objects.get()
    if BilanPage.objects.filter(slug=SLUG).exists():
        return
    bilan = BilanPage(
        title="Journée bilan du Transistor",
        slug=SLUG,
        date=datetime.date(2023, 5, 9),
        listing_summary="Deux ans d'incubateur en une journée : temps forts, bilan en cinq colonnes, "
        "entretiens croisés, accélérateurs de projet et actions prioritaires de chaque structure.",
        objectives="\n".join(OBJECTIVES),
        facilitators="\n".join(FACILITATORS),
        guests="\n".join(GUESTS),
        sections=sections(methods, structures),
        participations=[
            BilanParticipation(structure=structures[slug], people=people)
            for slug, people in PARTICIPANTS.items()
            if slug in structures
        ],
    )
    index.add_child(instance=bilan)
    bilan.save_revision().publish()
    bilan = BilanPage.objects.get(pk=bilan.pk)
    _seed_actions(bilan, structures)
    log(f"Bilans : {len(methods)} méthodes, une journée bilan, {bilan.actions.count()} actions.")


def _seed_methods() -> dict[str, MethodPage]:
    library = MethodIndexPage.objects.get()
    found = {}
    for data in METHODS:
        page = MethodPage.objects.filter(slug=data["slug"]).first()
        if page is None:
            page = library.add_child(instance=MethodPage(licence=LICENCE, **data))
            page.save_revision().publish()
        found[page.slug] = page
    return found


OBJECTIVES = [
    "Faire ensemble le bilan de deux années d'accompagnement par l'incubateur Transistor",
    "Préparer la suite, pour que ce que l'incubateur a apporté dure",
    "Partager l'expérience avec des structures d'autres territoires, pour prendre du recul et lui "
    "donner l'occasion d'essaimer",
]
FACILITATORS = [
    "Une formatrice en coopération et animatrice de projets collectifs (Animacoop)",
    "Le directeur, le vice-directeur et un chargé de mission du pôle numérique d'Agate",
]
GUESTS = [
    "La coordination de la médiation numérique de la Ville d'Annecy",
    "La chargée du projet NuméricA du centre culturel La Turbine (Annecy)",
]
PARTICIPANTS = {
    "agate": "Directeur du pôle numérique\nVice-directeur du pôle numérique\nChargé de mission numérique",
    "residence-les-epinettes": "Assistante sociale",
    "ccas-la-ravoire": "Directrice de l'action sociale et de la petite enfance\nAssistante d'accueil social\n"
    "Conseiller numérique France Services",
    "clef-chantemerle": "Coordinatrice",
    "regie-coup-de-pouce": "Directrice\nCoordinatrice sociale\nMédiatrice sociale",
    "grand-chambery": "Chargée de mission",
}


def _section(
    block_type: str, title: str, method: MethodPage | None, *, folded=True, lead="", **fields
) -> dict:
    value = {
        "title": title,
        "method": method.pk if method else None,
        "lead": lead,
        "folded": folded,
    }
    return {"type": block_type, "value": value | fields}


def _board(group="", **columns) -> dict:
    return {"group": group} | {
        key: columns.get(key, [])
        for key in ("creer", "maintenir", "amplifier", "reduire", "arreter")
    }


def _moment(when, title, author, kind, text) -> dict:
    return {"when": when, "title": title, "author": author, "kind": kind, "text": text}


def _aside(title: str, html: str) -> dict:
    return {"type": "aside", "value": {"title": title, "text": html}}


def _priority(structures, slug, focus, actions) -> dict:
    structure = structures.get(slug)
    return {
        "structure": structure.pk if structure else None,
        "name": "" if structure else slug,
        "focus": focus,
        "actions": actions,
    }


def sections(methods: dict[str, MethodPage], structures: dict[str, StructurePage]) -> list[dict]:
    m = methods.get
    return [
        _section(
            "activity",
            "Confidences et petits papiers",
            m("confidences-et-petits-papiers"),
            folded=False,
            kind="brise-glace",
            notes="<p>Pour ouvrir la journée, chacun a confié une anecdote sur un papier anonyme ; le "
            "groupe a deviné leurs auteurs. Une bonne façon de mêler les structures du Transistor et "
            "les invités d'Annecy.</p>",
        ),
        _section(
            "timeline",
            "Frise chronologique des temps forts",
            m("frise-chronologique-des-temps-forts"),
            lead="Chacun a placé sur la frise les moments qui l'ont marqué pendant les deux ans de "
            "l'incubateur, puis les a racontés.",
            moments=[
                _moment(
                    "2021",
                    "Les premiers appels à manifestation d'intérêt",
                    "Pôle numérique, Agate",
                    "tournant",
                    "Au départ, il fallait démontrer aux structures que le projet valait la peine.",
                ),
                _moment(
                    "",
                    "La découverte de PIX",
                    "Médiatrice sociale, Régie Coup de Pouce",
                    "positif",
                    "L'outil a fait prendre conscience de tous les domaines du numérique qu'on ne connaissait pas.",
                ),
                _moment(
                    "",
                    "La candidature des Epinettes",
                    "Assistante sociale, résidence Les Epinettes",
                    "difficile",
                    "Beaucoup de doutes sur la pertinence du projet, un démarrage en solitaire dans un contexte "
                    "compliqué, avec le soutien précieux de la direction.",
                ),
                _moment(
                    "Septembre 2022",
                    "Reprendre un projet en cours",
                    "Coordinatrice, CLEF Chantemerle",
                    "tournant",
                    "Arriver en cours de route sur un projet déjà lancé : une vraie aventure.",
                ),
                _moment(
                    "",
                    "Les conférences de chercheurs invités",
                    "CCAS de La Ravoire",
                    "positif",
                    "Des intervenants convaincus qui redonnent de l'élan, mettent des mots théoriques sur le "
                    "travail quotidien et montrent qu'on n'est pas seuls à réfléchir.",
                ),
                _moment(
                    "",
                    "Des experts reconnus, même pour de petites structures",
                    "Grand Chambéry",
                    "positif",
                    "Aller chercher des spécialistes de haut niveau pour un petit territoire a beaucoup compté.",
                ),
                _moment(
                    "",
                    "Une démarche complète",
                    "Coordinatrice sociale, Régie Coup de Pouce",
                    "positif",
                    "Malgré le départ d'une accompagnatrice en cours de route, une démarche riche et variée.",
                ),
                _moment(
                    "",
                    "Des temps qui ont moins pris",
                    "Pôle numérique, Agate",
                    "difficile",
                    "Un atelier et une conférence ont moins convaincu ; ils ont servi à ajuster la suite.",
                ),
            ],
        ),
        _aside(
            "Parenthèse : l'atelier sur les logiciels libres",
            "<p>Plusieurs structures ont trouvé la posture de l'intervenante de cet atelier trop militante, "
            "parfois virulente.</p>",
        ),
        _section(
            "five_columns",
            "Bilan collectif et évolutions pour la suite",
            m("bilan-en-cinq-colonnes"),
            lead="Les post-it de tous les participants, puis la synthèse partagée avec les structures.",
            boards=[
                _board(
                    creer=[
                        "De nouvelles actions numériques dans le contrat de ville",
                        "Des formations plus régulières",
                        "L'accès aux droits",
                        "De nouveaux projets entre plusieurs structures",
                        "L'éducation au numérique",
                        "Une « gare centrale » pour chaque structure",
                        "Une conférence sur l'inclusion numérique",
                        "La formation continue des acteurs de terrain",
                        "Un atelier tablette",
                        "Un partenariat avec Agir ABCD",
                        "Reproduire le projet, ajusté, dans un autre lieu d'intervention",
                        "Des ASL contre l'illettrisme et l'illectronisme",
                        "Des financements pour ce type d'accompagnement",
                    ],
                    maintenir=[
                        "Une programmation commune avec des intervenants extérieurs",
                        "La dynamique à l'échelle de l'agglomération",
                        "Des conférences choisies",
                        "Le partage d'expériences",
                        "Le réseau constitué",
                        "Les apports de connaissances",
                        "L'appui d'Agate pour finir de structurer les ateliers",
                        "Le partenariat avec Unis-Cité",
                        "Des diagnostics partagés sur l'évolution des projets",
                        "La permanence numérique du vendredi matin au Piochet",
                        "Pouvoir « faire à la place » quand il le faut",
                        "Le cycle de conférences et d'ateliers",
                        "La recherche de financements",
                        "L'appui à l'émergence de nouveaux projets numériques",
                        "L'accompagnement d'Agate pour les acteurs du territoire",
                    ],
                    amplifier=[
                        "Aller plus loin dans les connaissances",
                        "Le wiki comme centre de ressources commun",
                        "Le réseau de partenaires du territoire",
                        "Les ateliers numériques",
                        "Les projets entre structures",
                        "Le lien avec les conseillers numériques",
                        "Des rencontres régulières pour construire ensemble",
                        "Le travail transversal, les ponts entre structures",
                        "La connexion internet",
                        "PIX et le développement des compétences",
                        "La mobilisation",
                        "La communication",
                    ],
                    reduire=["Le poids des financements européens pour ce type de projet"],
                    arreter=["La formation de bénévoles ?", "Chercher des fonds européens"],
                )
            ],
            synthesis=_board(
                creer=[
                    "Un cycle annuel et varié de formations pour les acteurs de terrain, et des conférences "
                    "sur le numérique pour le territoire",
                    "Des « gares centrales » pour les projets",
                ],
                maintenir=[
                    "Formations, cycles de conférences et réseau de partenaires pour partager les expériences",
                    "L'appui d'Agate après la fin de l'incubateur, et pour faire naître de nouveaux projets",
                    "La recherche de financements",
                    "Au CCAS, la possibilité de « faire à la place », à côté du « faire avec » qui vise l'autonomie",
                    "Faire durer ce qui n'était qu'une expérimentation d'incubateur",
                ],
                amplifier=[
                    "Les liens entre structures et acteurs, et tout ce qui est transversal",
                    "La connaissance du numérique",
                    "La mobilisation des élus",
                    "Ateliers, PIX, wifi et connexion internet au Piochet",
                    "Faire remonter plus vite l'information jusqu'aux institutions",
                    "Le lien avec les services informatiques pour le matériel",
                ],
                reduire=["Le poids administratif des financements européens"],
                arreter=[
                    "L'accompagnement par des bénévoles ? Difficile d'en trouver pour le module test, et ils "
                    "ne sont pas habilités Aidants Connect",
                    "Proposition : une communication vers le groupe accès aux droits",
                ],
            ),
        ),
        _aside(
            "Parenthèses : l'espace numérique du Piochet, le wiki, la suite",
            "<ul><li>Qui tiendra la permanence et animera les ateliers du Piochet en septembre ? Les "
            "partenariats avec Agir et Unis-Cité sont difficiles à organiser ; des bénévoles, il faudrait les "
            "trouver et les former. Piste : le mécénat de compétences.</li>"
            "<li>Une participante demande : « c'est quoi, le wiki ? »</li>"
            "<li>Quelle suite pour le Transistor ? Sa ligne de financement s'arrête ; la réponse sur les fonds "
            "européens est attendue.</li></ul>",
        ),
        _section(
            "priorities",
            "Prochaines actions à prioriser",
            None,
            folded=False,
            lead="Ce que chaque structure se donne à faire en premier.",
            entries=[
                _priority(
                    structures,
                    "ccas-la-ravoire",
                    "Mieux communiquer",
                    [
                        "Informer nos relais : sans cela, ils ne peuvent rien transmettre",
                        "Continuer d'aller à la rencontre des partenaires et des autres acteurs",
                        "Expliquer ce que nous faisons au quotidien et convaincre de l'utilité de nos missions",
                        "Profiter de la reprise des ASL des Epinettes pour convaincre les élus",
                        "Présenter au Département, pour la PMI, le travail sur les ASL et le numérique, avec la "
                        "puéricultrice de secteur comme relais",
                    ],
                ),
                _priority(
                    structures,
                    "grand-chambery",
                    "Mieux communiquer",
                    [
                        "Mieux informer les élus, les équipes projet et les comités de pilotage",
                        "Montrer au prochain groupe accès aux droits que la démarche fonctionne",
                    ],
                ),
                _priority(
                    structures,
                    "agate",
                    "Mobiliser",
                    [
                        "Inviter des élus à la conférence de clôture de juin",
                        "Définir une mission minimale d'accompagnement et la faire durer",
                    ],
                ),
                _priority(
                    structures,
                    "residence-les-epinettes",
                    "Tisser des liens",
                    [
                        "Renforcer le partenariat avec le CCAS de La Ravoire",
                        "Accueillir l'intervention d'une conseillère numérique du CCAS de Chambéry",
                    ],
                ),
                _priority(
                    structures,
                    "regie-coup-de-pouce",
                    "",
                    [
                        "Maintenir l'accompagnement",
                        "Trouver un appui qui conseille la Régie dans la durée",
                        "Communiquer avec les partenaires du quartier",
                        "Adapter les supports de formation au public : smartphone et niveau de français",
                    ],
                ),
                _priority(
                    structures,
                    "clef-chantemerle",
                    "",
                    [
                        "Obtenir une connexion internet fiable pour la permanence : l'abonnement actuel, 50 € par "
                        "mois, ne fonctionne pas et oblige à partager la connexion des téléphones",
                        "Relancer la communication dans le quartier pour que les habitants s'approprient l'espace",
                        "Trouver des personnes pour animer la permanence numérique du Piochet",
                    ],
                ),
            ],
        ),
        _section(
            "accelerator",
            "Accélérateur de projet : trouver des bénévoles",
            m("accelerateur-de-projet"),
            presenter="Le CCAS de La Ravoire",
            structure=structures["ccas-la-ravoire"].pk if "ccas-la-ravoire" in structures else None,
            context="Le CCAS reprend les ateliers sociolinguistiques (ASL) que la résidence Les Epinettes "
            "assurait depuis longtemps.",
            problem="Il manque des bénévoles pour étendre les ateliers ASL.",
            clarifying_questions=[],
            reformulation="Je voudrais que le groupe m'aide à trouver des bénévoles pour les ateliers ASL.",
            ideas=[
                "Publier sur les plateformes de bénévolat (jeveuxaider.gouv.fr, France Bénévolat)",
                "Passer par le centre ressources savoyard pour toucher les étudiants : bénévoles, stagiaires, "
                "services civiques",
                "Clarifier les missions et ce que l'on offre aux bénévoles",
                "Créer une accorderie, où le temps donné ouvre des droits",
                "S'inspirer de l'association Blé pour définir la posture du CCAS envers les bénévoles",
                "Prévoir du tutorat ou du parrainage",
                "Accorder les calendriers des ateliers et des formations",
                "Commencer chaque cycle d'ateliers en binômes pour que la confiance s'installe",
            ],
            action_plan=[
                "Rédiger une fiche de mission qui clarifie le rôle des bénévoles et les rassure",
                "Découvrir jeveuxaider.gouv.fr et y publier l'offre",
                "Poser la question du bénévolat et de ce qu'il coûte",
                "Revoir l'horaire des ateliers pour attirer d'autres bénévoles que des retraités",
                "Explorer la piste des services civiques",
            ],
            takeaways=[],
        ),
        _section(
            "accelerator",
            "Accélérateur de projet : faire connaître l'espace numérique",
            m("accelerateur-de-projet"),
            presenter="La coordinatrice du CLEF Chantemerle",
            structure=structures["clef-chantemerle"].pk
            if "clef-chantemerle" in structures
            else None,
            context="Tout se passe au CLEF : l'action de l'espace numérique s'y dilue.",
            problem="Les habitants savent que l'espace numérique du Piochet existe, mais n'osent pas y venir.",
            clarifying_questions=[
                "La communication actuelle suffit-elle ?",
                "Est-elle adaptée à tous les publics visés ?",
                "Comment lever les a priori ?",
                "Comment dépasser la peur de franchir la porte et de demander de l'aide ?",
            ],
            reformulation="Je voudrais que le groupe m'aide à rendre l'espace numérique du Piochet plus connu "
            "et plus fréquenté.",
            ideas=[
                "Suivre les formations du centre ressources savoyard pour adapter les supports aux personnes "
                "qui apprennent le français",
                "Repérer les personnes relais du quartier, celles vers qui tout le monde va",
                "Poser une affiche dans Chantemerle : la communication passe surtout par les réseaux sociaux",
                "Afficher dans d'autres lieux : mairie de quartier, la Dynamo, centre social des Combes, Blé, "
                "pôle de santé, bibliothèque",
                "Expliquer le support aux personnes relais plutôt que déposer des prospectus",
                "Aller à la rencontre des partenaires",
                "Faire du porte-à-porte au Piochet : rien ne vaut l'aller-vers",
            ],
            action_plan=[
                "Communiquer au-delà de Chantemerle : mairie de quartier, Triolet, autres partenaires",
                "Faire circuler l'information entre les Hauts et Chantemerle",
                "Régler les problèmes techniques avant de promouvoir le lieu",
                "Faire davantage d'aller-vers et d'affichage",
            ],
            takeaways=["Ne pas promettre un lieu qui n'est pas encore pleinement opérationnel"],
        ),
        _section(
            "activity",
            "Se connaître et se remettre en mouvement",
            m("la-ligne-silencieuse"),
            folded=False,
            kind="energiseur",
        ),
        _section(
            "presentations",
            "Dessine-moi le Transistor",
            m("dessine-moi-le-projet"),
            presentations=[
                {
                    "group": "Groupe 1",
                    "text": (
                        "<ul><li>2020 : la réflexion rencontre des occasions de financement.</li>"
                        "<li>2021 : l'appel à manifestation d'intérêt retient quatre structures : le CLEF "
                        "Chantemerle, la Régie Coup de Pouce, la résidence Les Epinettes et le CCAS de La Ravoire.</li>"
                        "<li>2022-2023 : un diagnostic, puis la mise en œuvre : accompagnements collectifs et "
                        "individuels, aménagement d'espaces numériques, sécurisation des postes, mise en réseau "
                        "des structures.</li></ul>"
                    ),
                },
                {
                    "group": "Groupe 2",
                    "text": (
                        "<p>Pourquoi avoir répondu ? Pour les objectifs de nos structures et pour les besoins des "
                        "usagers ; nous avions en commun le groupe « accès aux droits ».</p>"
                        "<p>Nos besoins : un accompagnement sur place pour des projets individuels et collectifs, "
                        "des lieux et du matériel, un appui sur l'accès aux droits, des temps collectifs pour "
                        "monter en compétences et prendre du recul, une mise en réseau.</p>"
                        "<p>Chaque projet individuel a nourri la réflexion de tous : chaque outil construit par une "
                        "structure a été partagé avec les autres, avec bienveillance.</p>"
                    ),
                },
            ],
        ),
        _section(
            "interviews",
            "Entretiens croisés",
            m("entretiens-croises"),
            questions=QUESTIONS,
            groups=INTERVIEW_GROUPS,
        ),
        _section(
            "reflection",
            "Réflexion collective sur trois axes d'amélioration",
            m("reflexion-collective-sur-des-axes-d-amelioration"),
            axes=AXES,
        ),
        _section(
            "feedback",
            "Bilan de la journée",
            m("retour-a-chaud-sur-la-journee"),
            feelings=[
                "Bien ! Les entretiens croisés un peu flous, mais ils ont permis de creuser",
                "Au top",
                ":)",
                "Bonne journée, merci",
                "Journée écourtée pour moi, très bien :)",
                "Participatif ++, bon rythme, bon accueil",
                "Partage, bonne dynamique, échanges, top !",
                "Merci !",
                "Dynamique collective, intelligence et bienveillance",
                "Très bon équilibre entre travail et convivialité",
            ],
            analysis="<p>Les retours saluent la participation, le rythme et l'équilibre entre travail et "
            "convivialité. Les consignes des entretiens croisés sont à clarifier la prochaine fois.</p>",
        ),
    ]


QUESTIONS = [
    "Pourquoi reproduire cet accompagnement ?",
    "De quoi aurait-on besoin pour le reproduire ?",
    "Qu'est-ce qui fait peur, ou pourrait l'empêcher ?",
    "Quel meilleur conseil pour en profiter pleinement ?",
    "Si c'était à refaire, que feriez-vous autrement ?",
]

INTERVIEW_GROUPS = [
    {
        "respondents": "Les structures extérieures (Annecy)",
        "facilitator": "Un chargé de mission d'Agate",
        "answers": [
            {
                "question": QUESTIONS[0],
                "points": [
                    "Mutualiser l'existant, s'appuyer sur les partenariats",
                    "Monter en compétences : numérique, pédagogie, conduite de projet",
                    "Construire un parcours numérique pour l'usager",
                    "Faire connaître les lieux de médiation numérique",
                    "Un projet efficace, aux effets réels sur le territoire et sur la façon de travailler",
                    "Une démarche qui n'est pas descendante, qui prend le temps du diagnostic",
                ],
            },
            {
                "question": QUESTIONS[1],
                "points": [
                    "Identifier les besoins locaux, des professionnels comme du public",
                    "Un plan d'action aux objectifs communs",
                    "Un coordinateur de projet et une structure porteuse compétente",
                    "Des fonds, et une veille des appels à projets, européens ou non",
                ],
            },
            {
                "question": QUESTIONS[2],
                "points": [
                    "La réticence des structures : pourquoi si peu de services municipaux et d'associations ?",
                    "Le coût",
                    "La durée : deux ans, c'est long si cela ne marche pas comme prévu",
                ],
            },
        ],
        "retiens": [
            "La satisfaction et l'enthousiasme des structures accompagnées",
            "Une écoute des structures et un projet sur mesure",
        ],
        "questionne": ["L'organisation du calendrier"],
        "suggere": [
            "Une réunion d'information à Annecy, une fois la direction et l'élu référent d'accord"
        ],
        "petit_pas": ["Proposer une réunion d'information à Annecy"],
    },
    {
        "respondents": "Les structures accompagnées, l'équipe d'Agate et Grand Chambéry",
        "facilitator": "Le directeur et le vice-directeur du pôle numérique d'Agate",
        "answers": [
            {
                "question": QUESTIONS[3],
                "points": [
                    "Réutiliser les compétences et les outils acquis pendant l'accompagnement",
                    "Bien analyser les besoins au départ, par un diagnostic",
                    "Participer à tout : on y gagne une vision d'ensemble",
                    "S'appuyer sur les personnes ressources, disponibles et bienveillantes",
                    "S'organiser dès le départ pour profiter de tous les temps proposés",
                    "Accepter d'être surpris par la diversité des propositions",
                    "Bloquer et rendre visible, dès le début, du temps consacré au projet",
                ],
            },
            {
                "question": QUESTIONS[4],
                "points": [
                    "Élargir à davantage de partenaires, pour accompagner un territoire et pas seulement des structures",
                    "Mieux répartir les formations dans le temps, et connaître le calendrier trois mois à l'avance",
                    "S'investir plus tôt, personnellement et collectivement",
                    "Associer davantage les instances dirigeantes et les élus",
                    "Travailler plus tôt avec la conseillère numérique du CCAS",
                    "Ouvrir les temps collectifs aux collègues, agents d'accueil compris, et aux élus",
                ],
            },
        ],
        "retiens": [
            "La montée en compétences et l'enrichissement professionnel",
            "Un accompagnement complet, adapté à chaque structure",
            "Le diagnostic de territoire, à la source du projet",
            "L'accès aux droits n'est pas l'accompagnement au numérique",
            "Se donner du temps pour avancer",
        ],
        "questionne": [
            "Quelle suite après le Transistor ?",
            "Le wiki",
            "Pourra-t-on encore compter sur l'appui d'Agate ?",
            "Un accompagnement reste nécessaire jusqu'à la maturité collective",
        ],
        "suggere": [
            "Que cela continue",
            "Un wiki qui dure, comme lieu de ressources",
            "Davantage de suivi et d'information donnés directement aux élus",
            "Aider les structures à parler d'inclusion numérique à leurs instances dirigeantes",
        ],
        "petit_pas": [
            "Continuer à me former",
            "Accélérer l'usage du nouveau système d'information",
            "Transposer le projet dans un autre cadre d'intervention",
            "Faire évoluer le regard du travail social sur les usages numériques",
            "Inviter les structures voisines du groupe accès aux droits à la conférence finale",
        ],
    },
]

AXES = [
    {
        "question": "Comment faire vivre le wiki ?",
        "points": [
            "Le faire connaître : beaucoup n'en avaient jamais entendu parler",
            "En parler à chaque intervention",
            "Ajouter son lien à la fin de chaque courriel",
            "Répéter : nous ne lisons pas tous de la même façon",
            "Un lieu de ressources commun est une bonne idée, comme celui du centre ressources savoyard",
            "Ne pas ajouter un outil de plus : l'information circule déjà par plusieurs canaux",
            "Le rendre agréable et faire des participants des acteurs : commenter, poser des questions",
            "Un agenda où chacun peut partager une actualité",
            "Une veille où chacun signale l'appel à projets qu'il ouvre",
            "Se demander d'abord ce que les structures veulent partager entre elles",
        ],
    },
    {
        "question": "Comment favoriser la participation à l'incubateur ?",
        "points": [
            "Un portage par la hiérarchie",
            "Un interlocuteur identifié côté structure et côté accompagnement",
            "En faire une priorité : un enjeu pour la structure et pour la société",
            "Rester proche des préoccupations du quotidien",
            "Mieux répartir les activités sur l'année",
            "Construire le calendrier ensemble, en amont",
            "Estimer la durée de participation de chaque structure",
        ],
    },
    {
        "question": "Comment impliquer les élus et les décideurs ?",
        "points": [
            "Des temps institutionnels dès la signature de la convention",
            "Des points de suivi, en plus des présentations",
            "Des rencontres entre élus des structures accompagnées, formelles ou conviviales",
            "Les rendre parties prenantes : qu'ils expriment eux-mêmes les besoins",
            "Relier le projet au projet associatif ou au plan de mandat, avec leurs mots",
            "Les faire réagir au diagnostic",
            "Partir des besoins des habitants et des données qu'ils connaissent",
            "Les faire participer à un atelier d'inclusion numérique",
            "Passer par les instances existantes et les comités de quartier pour toucher plus d'élus",
            "Passer de la confiance au soutien, financier compris",
            "Montrer que financer un seul acteur ne suffit pas",
        ],
    },
]

# (structure slug, start of the item's text, status, due date)
ACTIONS = [
    (
        "clef-chantemerle",
        "Obtenir une connexion internet fiable",
        Status.DONE,
        datetime.date(2023, 9, 1),
    ),
    (
        "clef-chantemerle",
        "Relancer la communication dans le quartier",
        Status.IN_PROGRESS,
        datetime.date(2023, 10, 31),
    ),
    (
        "clef-chantemerle",
        "Trouver des personnes pour animer",
        Status.TODO,
        datetime.date(2023, 9, 1),
    ),
    ("ccas-la-ravoire", "Rédiger une fiche de mission", Status.DONE, datetime.date(2023, 7, 13)),
    ("ccas-la-ravoire", "Présenter au Département", Status.IN_PROGRESS, datetime.date(2023, 6, 9)),
    (
        "agate",
        "Inviter des élus à la conférence de clôture",
        Status.DONE,
        datetime.date(2023, 6, 15),
    ),
    ("agate", "Définir une mission minimale", Status.TODO, None),
    (
        "grand-chambery",
        "Montrer au prochain groupe accès aux droits",
        Status.DONE,
        datetime.date(2023, 9, 30),
    ),
    (
        "residence-les-epinettes",
        "Accueillir l'intervention",
        Status.DONE,
        datetime.date(2023, 6, 30),
    ),
    (
        "regie-coup-de-pouce",
        "Adapter les supports de formation",
        Status.TODO,
        datetime.date(2023, 12, 15),
    ),
    ("regie-coup-de-pouce", "Trouver un appui", Status.ABANDONED, None),
]


def _seed_actions(bilan: BilanPage, structures: dict[str, StructurePage]) -> None:
    items = [
        (block.id, block.value["title"], item_id, text, where)
        for block in bilan.sections
        if hasattr(block.value, "actionable_items")
        for item_id, text, where in block.value.actionable_items()
    ]
    for slug, start, status, due in ACTIONS:
        match = next((item for item in items if item[3].startswith(start)), None)
        if (
            match is None
            or slug not in structures
            or Action.objects.filter(item_id=match[2]).exists()
        ):
            continue
        section_id, title, item_id, text, where = match
        action = create_action(
            bilan=bilan,
            section_id=section_id,
            section_title=f"{title} — {where}",
            item_id=item_id,
            structure=structures[slug],
            description=text,
            due_date=due,
            status=status,
        )
        if status != Status.TODO:
            # Decided on the day, their status changed later: after the review day, before now.
            Action.objects.filter(pk=action.pk).update(
                status_changed_at=timezone.make_aware(
                    datetime.datetime.combine(due or datetime.date(2023, 11, 1), datetime.time(12))
                )
            )
