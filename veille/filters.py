"""The watch's filters: one GET form for the listing, the archive, the feeds and the alerts, and
the canonical query string that gives each combination one stable URL.

A value that does not validate (a tampered link, a theme since removed) is shown with its French
message and left out; a feed asked for with one does not exist (404), and an alert cannot be
saved with one.
"""

from functools import cache, cached_property
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from veille import rights, selectors
from veille.models import AppelKind, FunderKind, Scope
from veille.status import CallStatus

# The order of the canonical query string: changing it changes every saved alert's search.
FIELD_ORDER = ("statut", "theme", "financeur", "type", "echelle", "ouvert_a", "ma_structure")
MAX_TYPOLOGIES = 30
MAX_VALUE_LENGTH = 100
UNKNOWN = _("Ce choix n'existe pas ou plus : les appels sont affichés sans ce critère.")
NOT_A_MEMBER = _(
    "« Ouvert à ma structure » est réservé aux membres d'une structure du réseau, connectés : "
    "choisissez plutôt un type de structure."
)
STATUS_CHOICES = [
    (CallStatus.OPEN, _("Ouverts aux candidatures")),
    (CallStatus.CLOSING, _("Se terminent dans les 30 jours")),
    (CallStatus.UPCOMING, _("Pas encore ouverts")),
    (CallStatus.PERMANENT, _("Permanents")),
]
# A call closing soon is still open to applications: "ouverts" keeps it, so that an alert on
# open calls reminds a week before their deadline rather than losing them 30 days before.
STATUS_GROUPS = {CallStatus.OPEN: (CallStatus.OPEN, CallStatus.CLOSING)}


class SelectOfMany(forms.Select):
    """A single <select> that reads every value sent under its name: an alert saved from
    "ouvert à ma structure" keeps each of the structures' types. It shows the first: a list box
    of a hundred types would be of no use on a phone."""

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def format_value(self, value):
        values = super().format_value(value)
        return values[:1]


class TypologyField(forms.MultipleChoiceField):
    widget = SelectOfMany

    def clean(self, value):
        value = [item for item in (value or []) if item]
        if len(value) > MAX_TYPOLOGIES or any(len(str(item)) > MAX_VALUE_LENGTH for item in value):
            raise ValidationError(UNKNOWN, code="invalid_choice")
        return super().clean(value)


def _select(label) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False)


class VeilleFilterForm(forms.Form):
    statut = _select(_("Statut"))
    theme = _select(_("Thème"))
    financeur = _select(_("Type de financeur"))
    type = _select(_("Type d'appel"))
    echelle = _select(_("Échelle"))
    ouvert_a = TypologyField(label=_("Ouvert aux structures de type"), required=False)
    ma_structure = forms.BooleanField(label=_("Ouvert à ma structure"), required=False)

    def __init__(self, *args, member: bool = False, archive: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self._choices("statut", _("Tous, sauf les clos"), STATUS_CHOICES)
        self._choices("theme", _("Tous les thèmes"), selectors.theme_choices)
        self._choices("financeur", _("Tous les financeurs"), FunderKind.choices)
        self._choices("type", _("Tous les types"), AppelKind.choices)
        self._choices("echelle", _("Toutes les échelles"), Scope.choices)
        self._choices("ouvert_a", _("Tous les types de structure"), selectors.typology_choices)
        if archive:
            del self.fields["statut"]
        if not member:
            self.fields["ma_structure"].widget = forms.HiddenInput()

    def _choices(self, name: str, everything, options) -> None:
        field = self.fields[name]
        # Read once per form, however many times validation, labels and rendering ask.
        once = cache(options) if callable(options) else (lambda: options)
        field.choices = lambda: [("", everything), *once()]
        field.error_messages["invalid_choice"] = UNKNOWN
        field.error_messages["invalid_list"] = UNKNOWN

    def clean_ma_structure(self):
        wanted = self.cleaned_data.get("ma_structure")
        if wanted and not self.member:
            raise ValidationError(NOT_A_MEMBER, code="not_a_member")
        return wanted


class VeilleFilters:
    """The filters of one request: the form to show, the criteria that validated, their query."""

    def __init__(self, data, *, user=None, archive: bool = False):
        self.user = user
        member = user is not None and rights.own_structures(user).exists()
        bound = any(name in data for name in FIELD_ORDER)
        self.form = VeilleFilterForm(data if bound else None, member=member, archive=archive)
        self.criteria = self._valid_criteria()

    def _valid_criteria(self) -> dict:
        if not self.form.is_bound:
            return {}
        self.form.is_valid()
        criteria = dict(self.form.cleaned_data)
        return {name: value for name, value in criteria.items() if value}

    @property
    def has_errors(self) -> bool:
        return self.form.is_bound and bool(self.form.errors)

    def _pairs(self, criteria: dict) -> list[tuple[str, str]]:
        pairs = []
        for name in FIELD_ORDER:
            value = criteria.get(name)
            if name == "ouvert_a" and value:
                pairs += [(name, code) for code in sorted(set(value))]
            elif name == "ma_structure" and value:
                pairs.append((name, "1"))
            elif value:
                pairs.append((name, value))
        return pairs

    @property
    def query(self) -> str:
        """The valid criteria in a fixed order: one URL per combination, for feeds and links."""
        return urlencode(self._pairs(self.criteria))

    @property
    def alert_query(self) -> str:
        """The query an alert keeps: "ma structure" becomes its structures' types, since the
        alert is sent to an address, not to a signed-in person."""
        criteria = dict(self.criteria)
        if criteria.pop("ma_structure", False):
            codes = [term.code for term in self.own_typologies]
            criteria["ouvert_a"] = sorted({*criteria.get("ouvert_a", []), *codes})
        return urlencode(self._pairs(criteria))

    @cached_property
    def own_typologies(self):
        return selectors.typologies_of(rights.own_structures(self.user)) if self.user else []

    def typologies(self) -> list:
        criteria = self.criteria
        terms = selectors.typologies_by_code(criteria.get("ouvert_a", []))
        if criteria.get("ma_structure"):
            terms += self.own_typologies
        return terms

    def calls(self, now, *, by_status: bool = True):
        criteria = self.criteria
        typologies = self.typologies()
        if (criteria.get("ouvert_a") or criteria.get("ma_structure")) and not typologies:
            # Structures without a type: only the calls open to every structure.
            typologies = [None]
        status = criteria.get("statut") if by_status else None
        return selectors.filtered_calls(
            statuses=STATUS_GROUPS.get(status, (status,)) if status else (),
            now=now,
            theme=criteria.get("theme", ""),
            funder_kind=criteria.get("financeur", ""),
            kind=criteria.get("type", ""),
            scope=criteria.get("echelle", ""),
            typologies=typologies,
        )

    def labels(self) -> list[str]:
        """What the filters keep, in words: for feeds' names, alerts and their emails."""
        criteria, fields = self.criteria, self.form.fields
        labels = []
        for name in ("statut", "theme", "financeur", "type", "echelle"):
            if name in criteria:
                labels.append(str(dict(fields[name].choices)[criteria[name]]))
        if criteria.get("ouvert_a"):
            names = dict(fields["ouvert_a"].choices)
            labels.append(
                gettext("ouverts à : %(types)s")
                % {"types": gettext(" ou ").join(str(names[code]) for code in criteria["ouvert_a"])}
            )
        if criteria.get("ma_structure"):
            labels.append(gettext("ouverts à ma structure"))
        return labels


def from_query(query: str) -> VeilleFilters:
    """The filters an alert saved."""
    return VeilleFilters(QueryDict(query))
