"""The method sheets of the demo: the methods the Transistor's review day used, described in
Relais's own words."""

from bilans.models import Licence, MethodKind, Objective


def _steps(*steps) -> list[dict]:
    return [
        {"type": "step", "value": {"title": title, "minutes": minutes, "text": f"<p>{text}</p>"}}
        for title, minutes, text in steps
    ]


def _roles(*roles) -> list[dict]:
    return [{"type": "role", "value": {"name": name, "description": text}} for name, text in roles]


FACILITATOR = (
    "Animateur ou animatrice",
    "Explique la consigne, garde le temps, veille à ce que chacun parle.",
)

METHODS = [
    {
        "slug": "confidences-et-petits-papiers",
        "title": "Confidences et petits papiers",
        "objective": Objective.CONNECT,
        "kind": MethodKind.ICEBREAKER,
        "group_min": 6,
        "group_max": 30,
        "duration": 20,
        "remote": False,
        "summary": "Chacun confie par écrit, sans signer, une anecdote que personne ne connaît sur "
        "lui ; les papiers sont tirés au hasard et le groupe devine qui se cache derrière chacun. "
        "On rit, on se découvre, et la parole circule avant d'aborder le travail.",
        "steps": _steps(
            (
                "Écrire",
                3,
                "Sur un petit papier, une chose vraie et peu connue sur soi, sans signer.",
            ),
            ("Mélanger", 2, "Les papiers pliés vont dans une boîte ; chacun en tire un au hasard."),
            (
                "Deviner",
                15,
                "Chacun lit le sien à voix haute ; le groupe propose un nom, l'auteur se dévoile ou non.",
            ),
        ),
        "roles": _roles(FACILITATOR),
        "materials": "Petits papiers\nStylos\nUne boîte ou un chapeau",
        "tips": "<p>Donnez un exemple léger pour montrer le ton. Personne n'est obligé de se dévoiler.</p>",
        "variants": "<p>À distance : les confidences sont envoyées en message privé à l'animateur, qui les lit.</p>",
        "sources": [],
    },
    {
        "slug": "frise-chronologique-des-temps-forts",
        "title": "Frise chronologique des temps forts",
        "objective": Objective.EVALUATE,
        "kind": MethodKind.RETROSPECTIVE,
        "group_min": 5,
        "group_max": 30,
        "duration": 45,
        "remote": True,
        "summary": "Une grande frise au mur : chacun y place les moments qui l'ont marqué pendant le "
        "projet, heureux, difficiles ou décisifs, puis les raconte. La mémoire du groupe se "
        "reconstruit à plusieurs voix.",
        "steps": _steps(
            (
                "Se souvenir",
                10,
                "Chacun note deux ou trois temps forts, un par post-it, avec sa date.",
            ),
            (
                "Placer",
                10,
                "Les post-it rejoignent la frise ; une couleur par nature : positif, difficile, tournant.",
            ),
            ("Raconter", 25, "Chacun présente ses moments ; le groupe repère ce qui revient."),
        ),
        "roles": _roles(
            FACILITATOR,
            ("Secrétaire", "Recopie la frise et ce qui s'est dit pour le compte rendu."),
        ),
        "materials": "Un long rouleau de papier\nPost-it de trois couleurs\nFeutres",
        "tips": "<p>Tracez les années à l'avance. Laissez de la place aux moments difficiles : ils "
        "apprennent autant que les réussites.</p>",
        "variants": "<p>À distance, sur un tableau blanc partagé.</p>",
        "sources": [],
    },
    {
        "slug": "bilan-en-cinq-colonnes",
        "title": "Bilan en cinq colonnes (rétrospective « étoile de mer »)",
        "objective": Objective.EVALUATE,
        "kind": MethodKind.RETROSPECTIVE,
        "group_min": 4,
        "group_max": 30,
        "duration": 60,
        "remote": True,
        "summary": "Un bilan tourné vers la suite : qu'allons-nous créer, maintenir, amplifier, "
        "réduire, arrêter ? Les post-it de chaque groupe se rassemblent dans une synthèse commune, "
        "et les plus importants deviennent des actions suivies.",
        "steps": _steps(
            (
                "Présenter les cinq colonnes",
                5,
                "Créer, Maintenir, Amplifier, Réduire, Arrêter : un exemple pour chacune.",
            ),
            (
                "Écrire en silence",
                15,
                "En sous-groupes, un post-it par idée, dans la colonne qui lui va.",
            ),
            (
                "Lire et regrouper",
                20,
                "Chaque groupe lit ses post-it ; on rapproche ceux qui se ressemblent.",
            ),
            ("Synthèse partagée", 15, "Le groupe entier reformule l'essentiel de chaque colonne."),
            (
                "Choisir les actions",
                5,
                "Les points qui appellent un engagement deviennent des actions, avec une structure et une échéance.",
            ),
        ),
        "roles": _roles(
            FACILITATOR, ("Rapporteur de groupe", "Présente les post-it de son sous-groupe.")
        ),
        "materials": "Cinq grandes feuilles ou un tableau en cinq colonnes\nPost-it\nFeutres",
        "tips": "<p>Commencez par « Maintenir » si le groupe est fatigué : on y parle de ce qui marche.</p>",
        "variants": "<p>En trois colonnes (commencer, arrêter, continuer) pour un temps plus court.</p>",
        "sources": [
            {
                "type": "source",
                "value": {
                    "label": "La rétrospective « starfish » décrite par Patrick Kua",
                    "url": "",
                },
            }
        ],
    },
    {
        "slug": "entretiens-croises",
        "title": "Entretiens croisés",
        "objective": Objective.THINK,
        "kind": MethodKind.INTERVIEW,
        "group_min": 6,
        "group_max": 40,
        "duration": 75,
        "remote": True,
        "summary": "Par deux ou en petits groupes, on s'interroge à tour de rôle avec une même "
        "grille de questions, puis chacun écrit sa synthèse : ce que je retiens, ce qui me "
        "questionne, ce que je suggère, mon prochain petit pas.",
        "steps": _steps(
            (
                "Former les groupes",
                5,
                "Mélanger les structures : on interroge mieux ce qu'on connaît mal.",
            ),
            (
                "Premier entretien",
                20,
                "L'un pose les questions de la grille, l'autre répond ; on note.",
            ),
            ("Second entretien", 20, "On échange les rôles."),
            (
                "Synthèse personnelle",
                15,
                "Chacun remplit ses quatre cases, dont son prochain petit pas.",
            ),
            ("Mise en commun", 15, "Chaque groupe partage ce qui ressort."),
        ),
        "roles": _roles(
            ("Animateur de groupe", "Distribue la parole et garde la grille sous les yeux.")
        ),
        "materials": "La grille de questions imprimée\nFiches de synthèse personnelle",
        "tips": "<p>Des questions ouvertes et peu nombreuses : quatre ou cinq suffisent.</p>",
        "variants": "<p>En visioconférence, dans des salles de sous-groupes.</p>",
        "sources": [],
    },
    {
        "slug": "accelerateur-de-projet",
        "title": "Accélérateur de projet",
        "objective": Objective.DECIDE,
        "kind": MethodKind.CODEVELOPMENT,
        "group_min": 4,
        "group_max": 8,
        "duration": 60,
        "remote": True,
        "summary": "Une personne confie un problème réel au groupe. Après l'exposé et les questions "
        "de clarification, elle le reformule (« je voudrais que le groupe m'aide à… »), écoute sans "
        "répondre les suggestions des autres, puis en tire son plan d'action.",
        "steps": _steps(
            (
                "Préparation",
                5,
                "La personne choisit un problème actuel, sur lequel elle peut agir.",
            ),
            ("Exposé du problème", 5, "Elle le présente sans être interrompue."),
            (
                "Questions de clarification",
                10,
                "Le groupe pose des questions pour comprendre, sans conseiller.",
            ),
            (
                "Reformulation",
                5,
                "« Je voudrais que le groupe m'aide à… » : la demande devient précise.",
            ),
            (
                "Suggestions",
                15,
                "Chacun propose idées et expériences ; la personne écoute et note, sans répondre.",
            ),
            ("Synthèse et plan d'action", 10, "Elle dit ce qu'elle retient et ses prochains pas."),
            ("Évaluation", 5, "Chacun dit ce qu'il emporte de la séance pour lui-même."),
        ),
        "roles": _roles(
            ("Porteur ou porteuse du problème", "Expose, reformule, écoute, décide de son plan."),
            ("Consultants", "Questionnent puis suggèrent, sans juger."),
            ("Animateur et gardien du temps", "Tient les étapes et leur durée."),
            ("Secrétaire", "Note les idées pour la personne qui présente."),
        ),
        "materials": "Un tableau ou une grande feuille\nUn minuteur",
        "tips": "<p>Le temps d'écoute silencieuse est le cœur de la méthode : tenez-le.</p>",
        "variants": "<p>Plusieurs groupes en parallèle, un problème chacun.</p>",
        "sources": [
            {
                "type": "source",
                "value": {
                    "label": "Le codéveloppement professionnel (Payette et Champagne)",
                    "url": "",
                },
            }
        ],
    },
    {
        "slug": "reflexion-collective-sur-des-axes-d-amelioration",
        "title": "Réflexion collective sur des axes d'amélioration",
        "objective": Objective.THINK,
        "kind": MethodKind.COLLECTIVE,
        "group_min": 6,
        "group_max": 40,
        "duration": 60,
        "remote": False,
        "summary": "Trois questions d'amélioration, une par table. Les groupes passent d'une table à "
        "l'autre et enrichissent ce que les précédents ont écrit ; chaque table restitue ensuite "
        "ses meilleures idées.",
        "steps": _steps(
            ("Choisir les axes", 5, "Trois questions commençant par « comment… ? »."),
            (
                "Tables tournantes",
                36,
                "Trois tours de douze minutes ; un hôte reste à chaque table.",
            ),
            ("Restitution", 15, "Chaque hôte présente les idées de sa table."),
        ),
        "roles": _roles(
            ("Hôte de table", "Reste à sa table, résume aux nouveaux venus ce qui a été dit.")
        ),
        "materials": "Une grande feuille par table\nFeutres",
        "tips": "<p>Formulez les axes comme des questions ouvertes, tournées vers l'action.</p>",
        "variants": "",
        "sources": [],
    },
    {
        "slug": "la-ligne-silencieuse",
        "title": "Énergiseur : la ligne silencieuse",
        "objective": Objective.ENERGY,
        "kind": MethodKind.ENERGIZER,
        "group_min": 6,
        "group_max": 40,
        "duration": 10,
        "remote": False,
        "summary": "Sans un mot, le groupe se range en ligne selon un critère (date d'anniversaire, "
        "années dans la structure…). On se lève, on se fait des signes, on rit : l'énergie revient "
        "après le repas.",
        "steps": _steps(
            ("Consigne", 2, "Annoncer le critère et la règle : pas un mot."),
            ("Se ranger", 5, "Le groupe s'organise par gestes."),
            ("Vérifier", 3, "Chacun dit sa valeur à voix haute, dans l'ordre."),
        ),
        "roles": _roles(FACILITATOR),
        "materials": "",
        "tips": "<p>Choisissez un critère qui permet d'apprendre quelque chose sur les autres.</p>",
        "variants": "",
        "sources": [],
    },
    {
        "slug": "dessine-moi-le-projet",
        "title": "Dessine-moi le projet",
        "objective": Objective.THINK,
        "kind": MethodKind.COLLECTIVE,
        "group_min": 4,
        "group_max": 30,
        "duration": 45,
        "remote": False,
        "summary": "Chaque groupe raconte le projet sur une affiche, en dessins et en dates, puis la "
        "présente aux autres. Les regards se croisent sur une même histoire.",
        "steps": _steps(
            ("Dessiner", 25, "Chaque groupe prépare son affiche : étapes, personnes, réussites."),
            ("Présenter", 20, "Cinq minutes par groupe, puis questions."),
        ),
        "roles": _roles(("Rapporteur de groupe", "Présente l'affiche aux autres.")),
        "materials": "Grandes feuilles\nFeutres de couleur",
        "tips": "",
        "variants": "",
        "sources": [],
    },
    {
        "slug": "retour-a-chaud-sur-la-journee",
        "title": "Retour à chaud sur la journée",
        "objective": Objective.EVALUATE,
        "kind": MethodKind.FEEDBACK,
        "group_min": 3,
        "group_max": None,
        "duration": 10,
        "remote": True,
        "summary": "Avant de partir, chacun écrit en un mot ou une phrase ce qu'il ressent de la "
        "journée. On lit tout, sans commenter ; l'analyse vient après, entre animateurs.",
        "steps": _steps(
            ("Écrire", 5, "Un post-it par personne : un ressenti, tel quel."),
            ("Lire", 5, "Les post-it sont lus à voix haute, sans débat."),
        ),
        "roles": _roles(FACILITATOR),
        "materials": "Post-it\nStylos",
        "tips": "<p>Gardez les mots tels quels dans le compte rendu : les ressentis d'abord, l'analyse ensuite.</p>",
        "variants": "",
        "sources": [],
    },
]

LICENCE = Licence.CC_BY_SA
