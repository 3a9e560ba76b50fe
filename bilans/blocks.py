"""The sections of a review day. Each section is one block bound to the method it used (a
"voir la méthode" link, never a copy of the method), folds open and closed, and offers its
items to become actions (see `SectionValue.actionable_items`).

Blocks share the site's foundation (website.blocks) for rich text; everything here is the
workshop's own vocabulary.
"""

from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from website.blocks import RICH_TEXT_FEATURES

ITEM_MAX_LENGTH = 500
COLUMNS = [
    ("creer", _("Créer")),
    ("maintenir", _("Maintenir")),
    ("amplifier", _("Amplifier")),
    ("reduire", _("Réduire")),
    ("arreter", _("Arrêter")),
]
PERSONAL_SYNTHESIS = [
    ("retiens", _("Ce que je retiens")),
    ("questionne", _("Ce qui me questionne")),
    ("suggere", _("Ce que je suggère")),
    ("petit_pas", _("Mon prochain petit pas")),
]
# The same values as the method library's kinds (bilans.models.MethodKind), so that a section
# bound to an icebreaker or energizer sheet says so (see migration 0003).
ACTIVITY_KINDS = [
    ("brise-glace", _("Brise-glace")),
    ("energiseur", _("Énergiseur")),
    ("autre", _("Autre temps court")),
]
MOMENT_KINDS = [
    ("positif", _("Moment positif")),
    ("difficile", _("Moment difficile")),
    ("tournant", _("Tournant")),
]


def items(label, **kwargs) -> blocks.ListBlock:
    """A list of short items (post-its, points, ideas), empty by default."""
    return blocks.ListBlock(
        blocks.CharBlock(max_length=ITEM_MAX_LENGTH, label=_("point")),
        label=label,
        default=[],
        **kwargs,
    )


def _error(message) -> blocks.StructBlockValidationError:
    return blocks.StructBlockValidationError(non_block_errors=ErrorList([message]))


def _list_children(value) -> list:
    """A ListBlock value's children, each with its stable `id` and its `value`."""
    return list(getattr(value, "bound_blocks", []))


class SectionValue(blocks.StructValue):
    def actionable_items(self) -> list[tuple[str, str, str]]:
        """(item id, text, where in the section) for every item that may become an action."""
        return []

    def find_item(self, item_id: str) -> tuple[str, str] | None:
        for found_id, text, where in self.actionable_items():
            if found_id == item_id:
                return text, where
        return None


class SectionBlock(blocks.StructBlock):
    """What every section has: a title, the method it used, a short lead, and whether its
    detail starts folded."""

    title = blocks.CharBlock(label=_("titre de la section"), max_length=150)
    method = blocks.PageChooserBlock(
        label=_("méthode utilisée"),
        page_type="bilans.MethodPage",
        required=False,
        help_text=_("La fiche de la méthode : la section affiche un lien « voir la méthode »."),
    )
    lead = blocks.TextBlock(
        label=_("en bref"),
        max_length=1000,
        required=False,
        help_text=_("Une ou deux phrases visibles même quand le détail est replié."),
    )
    folded = blocks.BooleanBlock(
        label=_("replier le détail"),
        required=False,
        default=True,
        help_text=_("Les sections longues se lisent mieux repliées ; on les déplie d'un clic."),
    )

    class Meta:
        value_class = SectionValue
        form_classname = "struct-block bilan-section-form"


# --- Icebreaker, energizer, free notes ---------------------------------------------------------


class ActivityValue(SectionValue):
    def kind_label(self) -> str:
        return dict(ACTIVITY_KINDS).get(self.get("kind"), "")


class ActivityBlock(SectionBlock):
    kind = blocks.ChoiceBlock(
        label=_("nature"),
        choices=ACTIVITY_KINDS,
        default="brise-glace",
        help_text=_("Un brise-glace ouvre la journée ; un énergiseur relance le groupe."),
    )
    notes = blocks.RichTextBlock(
        label=_("déroulé et notes"), features=RICH_TEXT_FEATURES, required=False
    )

    class Meta:
        value_class = ActivityValue
        icon = "pick"
        label = _("Brise-glace, énergiseur ou temps libre")
        template = "bilans/blocks/activity.html"
        description = _("Un temps court pour se rencontrer ou se remettre en mouvement.")
        preview_value = {
            "title": "Brise-glace « petits papiers »",
            "kind": "brise-glace",
            "notes": "<p>Chacun écrit une confidence anonyme ; le groupe devine de qui elle vient.</p>",
        }


# --- Five-column board ---------------------------------------------------------------------


class BoardValue(blocks.StructValue):
    def columns(self) -> list[tuple[str, str, list]]:
        """(key, label, items) in the board's order: Créer, Maintenir, Amplifier, Réduire,
        Arrêter."""
        return [(key, label, _list_children(self.get(key))) for key, label in COLUMNS]

    def is_empty(self) -> bool:
        return not any(self.get(key) for key, _label in COLUMNS)


class BoardBlock(blocks.StructBlock):
    group = blocks.CharBlock(
        label=_("groupe"),
        max_length=150,
        required=False,
        help_text=_("Le groupe qui a rempli ce tableau, s'il y en a plusieurs."),
    )
    creer = items(_("Créer"))
    maintenir = items(_("Maintenir"))
    amplifier = items(_("Amplifier"))
    reduire = items(_("Réduire"))
    arreter = items(_("Arrêter"))

    class Meta:
        value_class = BoardValue
        label = _("tableau")


class FiveColumnValue(SectionValue):
    def actionable_items(self):
        found = []
        boards = [*self.get("boards", [])]
        for board in boards:
            for _key, label, column in board.columns():
                where = f"{board.get('group')} — {label}" if board.get("group") else str(label)
                found += [(child.id, child.value, where) for child in column]
        synthesis = self.get("synthesis")
        if synthesis:
            for _key, label, column in synthesis.columns():
                where = f"{_('Synthèse')} — {label}"
                found += [(child.id, child.value, where) for child in column]
        return found


class FiveColumnBlock(SectionBlock):
    """The change-oriented review ("starfish"): what to create, maintain, amplify, reduce and
    stop; a board per group, then the synthesis they share."""

    boards = blocks.ListBlock(BoardBlock(), label=_("tableaux des groupes"), min_num=1)
    synthesis = BoardBlock(label=_("synthèse partagée"))

    class Meta:
        value_class = FiveColumnValue
        icon = "table"
        label = _("Bilan en cinq colonnes")
        template = "bilans/blocks/five_columns.html"
        description = _(
            "Créer, Maintenir, Amplifier, Réduire, Arrêter : les post-it de chaque groupe, puis la "
            "synthèse. Chaque post-it peut devenir une action."
        )
        preview_value = {
            "title": "Bilan tourné vers le changement",
            "boards": [
                {
                    "group": "",
                    "creer": ["Un cycle de formations pour les acteurs de terrain"],
                    "maintenir": ["Le partage d'expériences"],
                    "amplifier": ["Le wiki comme centre de ressources"],
                    "reduire": ["Le poids administratif des fonds européens"],
                    "arreter": [],
                }
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        if all(board.is_empty() for board in value["boards"]):
            raise _error(_("Le tableau est vide : ajoutez au moins un post-it dans une colonne."))
        return value


# --- Timeline ----------------------------------------------------------------------------


class MomentValue(blocks.StructValue):
    def kind_label(self) -> str:
        return dict(MOMENT_KINDS).get(self.get("kind"), "")


class MomentBlock(blocks.StructBlock):
    when = blocks.CharBlock(
        label=_("quand"),
        max_length=60,
        required=False,
        help_text=_("Une date, un mois, une année."),
    )
    title = blocks.CharBlock(label=_("temps fort"), max_length=200)
    author = blocks.CharBlock(
        label=_("qui le raconte"),
        max_length=150,
        required=False,
        help_text=_("Un nom ou une fonction, et sa structure."),
    )
    kind = blocks.ChoiceBlock(label=_("nature"), choices=MOMENT_KINDS, default="positif")
    text = blocks.TextBlock(label=_("ce qui en a été dit"), max_length=2000, required=False)

    class Meta:
        value_class = MomentValue
        label = _("moment")


class TimelineBlock(SectionBlock):
    moments = blocks.ListBlock(MomentBlock(), label=_("moments"), min_num=1)

    class Meta:
        value_class = SectionValue
        icon = "date"
        label = _("Frise des temps forts")
        template = "bilans/blocks/timeline.html"
        description = _(
            "Les moments marquants, chacun raconté par une personne : positifs, difficiles, tournants."
        )
        preview_value = {
            "title": "Frise des temps forts",
            "moments": [
                {
                    "when": "2021",
                    "title": "Le premier appel à manifestation d'intérêt",
                    "author": "Pôle numérique",
                    "kind": "tournant",
                    "text": "Il fallait convaincre les structures de l'intérêt du projet.",
                }
            ],
        }


# --- Group presentations -------------------------------------------------------------------


class PresentationBlock(blocks.StructBlock):
    group = blocks.CharBlock(label=_("groupe"), max_length=150)
    text = blocks.RichTextBlock(label=_("présentation"), features=RICH_TEXT_FEATURES)


class PresentationsBlock(SectionBlock):
    presentations = blocks.ListBlock(PresentationBlock(), label=_("présentations"), min_num=1)

    class Meta:
        value_class = SectionValue
        icon = "group"
        label = _("Présentations de groupes")
        template = "bilans/blocks/presentations.html"
        description = _("Ce que chaque groupe a présenté aux autres.")
        preview_value = {
            "title": "Dessine-moi le projet",
            "presentations": [{"group": "Groupe 1", "text": "<p>Trois années, trois étapes.</p>"}],
        }


# --- Cross interviews ----------------------------------------------------------------------


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


class AnswerBlock(blocks.StructBlock):
    question = blocks.CharBlock(
        label=_("question"),
        max_length=300,
        help_text=_("Son intitulé exact dans la grille de questions."),
    )
    points = items(_("réponses"))


class InterviewGroupValue(blocks.StructValue):
    def synthesis(self) -> list[tuple[str, str, list]]:
        return [(key, label, _list_children(self.get(key))) for key, label in PERSONAL_SYNTHESIS]


class InterviewGroupBlock(blocks.StructBlock):
    respondents = blocks.CharBlock(
        label=_("qui répond"),
        max_length=200,
        help_text=_("Par exemple : les structures extérieures, les structures accompagnées."),
    )
    facilitator = blocks.CharBlock(label=_("animé par"), max_length=150, required=False)
    answers = blocks.ListBlock(AnswerBlock(), label=_("réponses par question"), default=[])
    retiens = items(_("Ce que je retiens"))
    questionne = items(_("Ce qui me questionne"))
    suggere = items(_("Ce que je suggère"))
    petit_pas = items(_("Mon prochain petit pas"))

    class Meta:
        value_class = InterviewGroupValue
        label = _("groupe de répondants")


class InterviewsValue(SectionValue):
    def answers_by_question(self, group) -> list[tuple[str, list]]:
        """The group's answers in the grid's order (questions nobody answered are left out)."""
        by_question = {}
        for answer in group.get("answers", []):
            by_question.setdefault(_normalised(answer["question"]), []).extend(
                _list_children(answer["points"])
            )
        return [
            (question, by_question[_normalised(question)])
            for question in self.get("questions", [])
            if by_question.get(_normalised(question))
        ]

    def actionable_items(self):
        return [
            (child.id, child.value, f"{group['respondents']} — {_('Mon prochain petit pas')}")
            for group in self.get("groups", [])
            for child in _list_children(group["petit_pas"])
        ]


class CrossInterviewsBlock(SectionBlock):
    questions = blocks.ListBlock(
        blocks.CharBlock(max_length=300, label=_("question")),
        label=_("grille de questions"),
        min_num=1,
    )
    groups = blocks.ListBlock(InterviewGroupBlock(), label=_("groupes de répondants"), min_num=1)

    class Meta:
        value_class = InterviewsValue
        icon = "openquote"
        label = _("Entretiens croisés")
        template = "bilans/blocks/interviews.html"
        description = _(
            "Une grille de questions, les réponses de chaque groupe et la synthèse personnelle : ce "
            "que je retiens, ce qui me questionne, ce que je suggère, mon prochain petit pas."
        )
        preview_value = {
            "title": "Entretiens croisés",
            "questions": ["Quel conseil donneriez-vous à une structure qui commence ?"],
            "groups": [
                {
                    "respondents": "Structures accompagnées",
                    "answers": [
                        {
                            "question": "Quel conseil donneriez-vous à une structure qui commence ?",
                            "points": ["Bloquer du temps pour le projet dès le départ"],
                        }
                    ],
                    "retiens": ["Le diagnostic de départ compte beaucoup"],
                }
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        grid = {_normalised(question) for question in value["questions"]}
        for group in value["groups"]:
            for answer in group["answers"]:
                if _normalised(answer["question"]) not in grid:
                    raise _error(
                        _(
                            "La question « %(question)s » n'est pas dans la grille de cet entretien : "
                            "ajoutez-la à la grille ou reprenez son intitulé exact."
                        )
                        % {"question": answer["question"]}
                    )
        return value


# --- Project accelerator -------------------------------------------------------------------


class AcceleratorValue(SectionValue):
    def actionable_items(self):
        return [
            (child.id, child.value, str(_("Plan d'action")))
            for child in _list_children(self.get("action_plan"))
        ]


class AcceleratorBlock(SectionBlock):
    """One problem brought to the group: the presenter states it, answers clarifying
    questions, reformulates it, listens to suggestions, then draws an action plan."""

    presenter = blocks.CharBlock(label=_("qui présente"), max_length=150)
    structure = blocks.PageChooserBlock(
        label=_("sa structure"), page_type="structures.StructurePage", required=False
    )
    context = blocks.TextBlock(label=_("contexte"), max_length=2000, required=False)
    problem = blocks.TextBlock(label=_("exposé du problème"), max_length=2000)
    clarifying_questions = items(_("questions de clarification"))
    reformulation = blocks.CharBlock(
        label=_("reformulation"),
        max_length=500,
        required=False,
        help_text=_("« Je voudrais que le groupe m'aide à… »"),
    )
    ideas = items(_("idées et suggestions du groupe"))
    action_plan = items(_("plan d'action"))
    takeaways = items(_("ce que la personne retient"))

    class Meta:
        value_class = AcceleratorValue
        icon = "rocket"
        label = _("Accélérateur de projet")
        template = "bilans/blocks/accelerator.html"
        description = _(
            "Un problème confié au groupe : exposé, questions, reformulation, suggestions, plan "
            "d'action. Chaque point du plan peut devenir une action."
        )
        preview_value = {
            "title": "Trouver des bénévoles",
            "presenter": "Le CCAS",
            "problem": "Les ateliers manquent d'animateurs bénévoles.",
            "reformulation": "Je voudrais que le groupe m'aide à trouver des bénévoles.",
            "ideas": ["Publier les missions sur une plateforme de bénévolat"],
            "action_plan": ["Rédiger une fiche de mission"],
        }


# --- Collective reflection -----------------------------------------------------------------


class AxisBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("axe de réflexion"), max_length=300)
    points = items(_("idées"))


class ReflectionValue(SectionValue):
    def actionable_items(self):
        return [
            (child.id, child.value, axis["question"])
            for axis in self.get("axes", [])
            for child in _list_children(axis["points"])
        ]


class ReflectionBlock(SectionBlock):
    axes = blocks.ListBlock(AxisBlock(), label=_("axes"), min_num=1)

    class Meta:
        value_class = ReflectionValue
        icon = "help"
        label = _("Réflexion collective")
        template = "bilans/blocks/reflection.html"
        description = _("Des questions d'amélioration travaillées en groupes, et leurs idées.")
        preview_value = {
            "title": "Trois axes d'amélioration",
            "axes": [
                {
                    "question": "Comment faire vivre le wiki ?",
                    "points": ["En parler à chaque rencontre"],
                }
            ],
        }


# --- Priority actions per structure --------------------------------------------------------


class PriorityValue(blocks.StructValue):
    def name(self) -> str:
        structure = self.get("structure")
        return structure.title if structure else self.get("name")


class PriorityBlock(blocks.StructBlock):
    structure = blocks.PageChooserBlock(
        label=_("structure"), page_type="structures.StructurePage", required=False
    )
    name = blocks.CharBlock(
        label=_("ou son nom"),
        max_length=150,
        required=False,
        help_text=_("Pour une structure qui n'a pas de page sur le site."),
    )
    focus = blocks.CharBlock(
        label=_("cap"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : mieux communiquer."),
    )
    actions = items(_("actions"), min_num=1)

    class Meta:
        value_class = PriorityValue
        label = _("structure")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("structure") and not value.get("name"):
            raise _error(_("Choisissez la structure ou écrivez son nom."))
        return value


class PrioritiesValue(SectionValue):
    def actionable_items(self):
        return [
            (child.id, child.value, entry.name())
            for entry in self.get("entries", [])
            for child in _list_children(entry["actions"])
        ]


class PrioritiesBlock(SectionBlock):
    entries = blocks.ListBlock(PriorityBlock(), label=_("structures"), min_num=1)

    class Meta:
        value_class = PrioritiesValue
        icon = "list-ul"
        label = _("Actions prioritaires par structure")
        template = "bilans/blocks/priorities.html"
        description = _(
            "Ce que chaque structure se donne à faire en premier. Chaque point peut devenir une action suivie."
        )
        preview_value = {
            "title": "Prochaines actions à prioriser",
            "entries": [
                {
                    "name": "CLEF Chantemerle",
                    "focus": "Communiquer",
                    "actions": ["Afficher dans le quartier"],
                }
            ],
        }


# --- Day feedback --------------------------------------------------------------------------


class FeedbackBlock(SectionBlock):
    feelings = items(_("ressentis"), help_text=_("Un mot ou une phrase par personne, tels quels."))
    analysis = blocks.RichTextBlock(label=_("analyse"), features=RICH_TEXT_FEATURES, required=False)

    class Meta:
        value_class = SectionValue
        icon = "comment"
        label = _("Retours sur la journée")
        template = "bilans/blocks/feedback.html"
        description = _("Les ressentis d'abord, tels quels, puis ce qu'on en tire.")
        preview_value = {
            "title": "Bilan de la journée",
            "feelings": ["Bon rythme", "Très participatif"],
        }

    def clean(self, value):
        value = super().clean(value)
        if not value["feelings"] and not value["analysis"].source.strip():
            raise _error(_("Ajoutez au moins un ressenti ou une analyse."))
        return value


# --- Side notes and documents --------------------------------------------------------------


class AsideBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=150, default=_("Parenthèse"))
    text = blocks.RichTextBlock(label=_("texte"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "info-circle"
        label = _("Parenthèse")
        template = "bilans/blocks/aside.html"
        description = _("Une remarque en marge, une question restée ouverte.")
        preview_value = {
            "title": "Parenthèse",
            "text": "<p>Qui tiendra la permanence en septembre ?</p>",
        }


class DocumentItemBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(
        label=_("libellé"), max_length=150, required=False, help_text=_("Par défaut, son titre.")
    )


class DocumentsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=150, default=_("Documents"))
    documents = blocks.ListBlock(DocumentItemBlock(), label=_("documents"), min_num=1)

    class Meta:
        icon = "doc-full"
        label = _("Documents")
        template = "bilans/blocks/documents.html"
        description = _("Les notes de la journée, les supports, les photos des tableaux.")
        # A preview cannot choose a file: it shows the block's heading, the list left empty.
        preview_value = {"title": "Documents", "documents": []}


class BilanSectionsBlock(blocks.StreamBlock):
    activity = ActivityBlock()
    timeline = TimelineBlock()
    five_columns = FiveColumnBlock()
    presentations = PresentationsBlock()
    interviews = CrossInterviewsBlock()
    accelerator = AcceleratorBlock()
    reflection = ReflectionBlock()
    priorities = PrioritiesBlock()
    feedback = FeedbackBlock()
    aside = AsideBlock()
    documents = DocumentsBlock()


# --- Method sheets -------------------------------------------------------------------------


class TimedStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("étape"), max_length=150)
    minutes = blocks.IntegerBlock(label=_("durée (minutes)"), min_value=1, max_value=480)
    text = blocks.RichTextBlock(label=_("déroulé"), features=RICH_TEXT_FEATURES, required=False)

    class Meta:
        icon = "time"
        label = _("Étape minutée")
        template = "bilans/blocks/step.html"
        preview_value = {
            "title": "Exposé du problème",
            "minutes": 5,
            "text": "<p>Sans interruption.</p>",
        }


class RoleBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("rôle"), max_length=100)
    description = blocks.TextBlock(label=_("ce qu'il fait"), max_length=1000)

    class Meta:
        icon = "user"
        label = _("Rôle")
        template = "bilans/blocks/role.html"
        preview_value = {
            "name": "Gardien du temps",
            "description": "Annonce la fin de chaque étape.",
        }


class SourceBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("source"), max_length=300)
    url = blocks.URLBlock(label=_("adresse web"), required=False)

    class Meta:
        icon = "link"
        label = _("Source")
        template = "bilans/blocks/source.html"
        preview_value = {"label": "Retrospective Starfish", "url": "https://example.org"}
