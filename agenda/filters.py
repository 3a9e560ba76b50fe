"""The agenda's filters: one GET form for every view and feed, and the canonical query string
that gives each combination of filters one stable feed URL.

A value that does not validate (an unknown structure, a tampered link) is shown with its French
message on the pages and left out; a feed asked for with one does not exist (404).
"""

from functools import cache
from html import escape
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agenda import selectors
from agenda.models import Category
from structures.directory import TermChoiceField
from structures.models import Vocabulary

# The order of the canonical query string: changing it changes every subscribed feed's URL.
FIELD_ORDER = ("structure", "categorie", "mot_cle", "commune", "lieu", "public")
MAX_PUBLICS = 50
UNKNOWN = _("Ce choix n'existe pas ou plus : les événements sont affichés sans ce critère.")


class PublicsField(TermChoiceField):
    """The standard's publics, with a bound on what a crafted URL may send."""

    def clean(self, value):
        if value and (len(value) > MAX_PUBLICS or any("\x00" in str(item) for item in value)):
            raise ValidationError(UNKNOWN, code="invalid_choice")
        return super().clean(value)


class QuickSelect(forms.Select):
    """A <select> written in Python: a network lists hundreds of structures, places and tags,
    which Django's one-template-per-option rendering (or format_html per option) takes a tenth
    of a second to write. Every key and label is escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs) | {"name": name}
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308


def _select(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, widget=QuickSelect)


class AgendaFilterForm(forms.Form):
    structure = _select(_("Structure"))
    categorie = _select(_("Type d'événement"))
    mot_cle = _select(_("Mot-clé"))
    commune = _select(_("Commune"))
    lieu = _select(_("Lieu"))
    public = PublicsField(Vocabulary.PUBLICS, _("Public"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read lazily and once: a feed without filters reads none of them.
        self.choices = cache(selectors.filter_choices)
        self._choices(
            "structure",
            _("Toutes les structures"),
            lambda: [(slug, title) for slug, title, _path in self.structures()],
        )
        self._choices("categorie", _("Tous les types"), lambda: Category.choices)
        self._choices("mot_cle", _("Tous les mots-clés"), lambda: self.choices()["tags"])
        self._choices(
            "commune",
            _("Toutes les communes"),
            lambda: [(c, c) for c in self.choices()["communes"]],
        )
        self._choices(
            "lieu",
            _("Tous les lieux"),
            lambda: [
                (str(pk), f"{title} ({commune})" if commune else title)
                for pk, title, commune in self.choices()["places"]
            ],
        )
        self.fields["public"].error_messages["invalid_choice"] = UNKNOWN

    def structures(self) -> list[tuple[str, str, str]]:
        return self.choices()["structures"]

    def _choices(self, name: str, everything: str, options) -> None:
        field = self.fields[name]
        field.choices = lambda: [("", everything), *options()]
        field.error_messages["invalid_choice"] = UNKNOWN


class AgendaFilters:
    """The filters of one request: the form to show, the criteria that validated, their query."""

    def __init__(self, data):
        bound = any(name in data for name in FIELD_ORDER)
        self.form = AgendaFilterForm(data if bound else None)
        self.criteria = self._valid_criteria()

    def _valid_criteria(self) -> dict:
        if not self.form.is_bound:
            return {}
        self.form.is_valid()
        criteria = dict(self.form.cleaned_data)
        criteria["public"] = list(criteria.get("public") or ())
        return {name: value for name, value in criteria.items() if value}

    @property
    def has_errors(self) -> bool:
        return self.form.is_bound and bool(self.form.errors)

    @property
    def query(self) -> str:
        """The valid criteria in a fixed order: one URL per combination, for feeds and links."""
        pairs = []
        for name in FIELD_ORDER:
            value = self.criteria.get(name)
            if name == "public" and value:
                pairs += [(name, code) for code in sorted(term.code for term in value)]
            elif value:
                pairs.append((name, value))
        return urlencode(pairs)

    def events(self) -> QuerySet:
        criteria = self.criteria
        paths = (
            {slug: path for slug, _title, path in self.form.structures()}
            if criteria.get("structure")
            else {}
        )
        return selectors.filtered_events(
            structure_path=paths.get(criteria.get("structure"), ""),
            category=criteria.get("categorie", ""),
            tag=criteria.get("mot_cle", ""),
            commune=criteria.get("commune", ""),
            place=int(criteria["lieu"]) if "lieu" in criteria else None,
            publics=criteria.get("public", ()),
        )

    def labels(self) -> list[str]:
        """What the filters keep, in words: for a feed's name and the "S'abonner" block."""
        criteria, form = self.criteria, self.form
        labels = []
        for name in FIELD_ORDER[:-1]:
            if name in criteria:
                labels.append(str(dict(form.fields[name].choices)[criteria[name]]))
        if criteria.get("public"):
            labels.append(gettext(" ou ").join(term.label for term in criteria["public"]))
        return labels
