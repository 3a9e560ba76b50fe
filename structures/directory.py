"""The directory of digital spaces: what a resident asks for, and the places that answer it.

Vocabulary filters run in the database. Opening hours and distances are computed in Python on
the filtered places' hours and coordinates only (four columns a row, no page objects); whole
places are then read for the one page of results shown, so a page costs the same for ten
places or a department's thousand.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django import forms
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from structures.geo import distance_km
from structures.models import LieuPage, Term, Vocabulary
from structures.models.pages import verification_is_stale
from structures.opening_hours import DAY_PART_CHOICES, OpeningStatus, is_open_during, status
from structures.selectors import (
    directory_communes,
    directory_places,
    postcode_centre,
    with_any_term,
)
from website.searching import SearchRefused, search

FREE = "Gratuit"
NOW = "maintenant"
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MAX_SEARCH_RESULTS = 1000


class TermChoiceField(forms.MultipleChoiceField):
    """Checkboxes for one vocabulary, keyed by the standard's own values so URLs can be shared.

    Its terms are read when first needed, or handed over by a form that reads several
    vocabularies in one query (`use_terms`).
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, vocabulary: Vocabulary, label: str):
        super().__init__(required=False, label=label)
        self.vocabulary = vocabulary
        self._terms: dict[str, Term] | None = None
        self.choices = self._term_choices

    def __deepcopy__(self, memo):
        # Each form gets its own copy: its terms, and choices bound to it, not to the class's.
        result = super().__deepcopy__(memo)
        result._terms = None
        result.choices = result._term_choices
        return result

    def use_terms(self, terms: list[Term]) -> None:
        self._terms = {term.code: term for term in terms if term.vocabulary == self.vocabulary}

    def terms(self) -> dict[str, Term]:
        if self._terms is None:
            self.use_terms(list(Term.objects.filter(vocabulary=self.vocabulary)))
        return self._terms

    def _term_choices(self) -> list[tuple[str, str]]:
        return [(code, term.label) for code, term in self.terms().items()]

    def clean(self, value) -> list[Term]:
        return [self.terms()[code] for code in super().clean(value)]


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Mot-clé"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Par exemple : imprimer, CAF, tablette, La Ravoire…"),
    )
    services = TermChoiceField(Vocabulary.SERVICES, gettext_lazy("Type d'aide"))
    quand = forms.ChoiceField(label=gettext_lazy("Ouvert"), required=False)
    moment = forms.ChoiceField(label=gettext_lazy("Moment de la journée"), required=False)
    commune = forms.ChoiceField(label=gettext_lazy("Commune"), required=False)
    gratuit = forms.BooleanField(label=gettext_lazy("Gratuit uniquement"), required=False)
    publics = TermChoiceField(Vocabulary.PUBLICS, gettext_lazy("Public"))
    accessibilite = TermChoiceField(
        Vocabulary.PRISE_EN_CHARGE, gettext_lazy("Accessibilité et accueil adapté")
    )
    accompagnement = TermChoiceField(
        Vocabulary.MODALITES_ACCOMPAGNEMENT, gettext_lazy("Façon d'être aidé")
    )
    code_postal = forms.RegexField(
        label=gettext_lazy("Trier par distance depuis le code postal"),
        regex=r"^\d{5}$",
        required=False,
        max_length=5,
        error_messages={
            "invalid": gettext_lazy("Un code postal compte 5 chiffres, par exemple 73000.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quand"].choices = [
            ("", _("Peu importe")),
            (NOW, _("Ouvert maintenant")),
            *((day, _("Le %(day)s") % {"day": day}) for day in WEEKDAYS),
        ]
        self.fields["moment"].choices = [("", _("Toute la journée")), *DAY_PART_CHOICES]
        self.fields["commune"].choices = [("", _("Toutes les communes"))] + [
            (commune, commune) for commune in directory_communes()
        ]
        term_fields = [
            field for field in self.fields.values() if isinstance(field, TermChoiceField)
        ]
        terms = list(
            Term.objects.filter(vocabulary__in=[field.vocabulary for field in term_fields])
        )
        for term_field in term_fields:
            term_field.use_terms(terms)

    def criteria(self) -> dict:
        """The criteria that validate; the others are shown with their error and left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


@dataclass
class PlaceResult:
    page: LieuPage
    opening: OpeningStatus
    distance_km: float | None = None

    @property
    def services(self) -> list[Term]:
        return self.page.terms_of(Vocabulary.SERVICES)

    def marker(self, request) -> dict | None:
        """What the map shows of this place, or None when it has no coordinates.

        The request lets Wagtail reuse the site's root paths instead of asking the cache per place.
        """
        if self.page.latitude is None or self.page.longitude is None:
            return None
        return {
            "nom": self.page.title,
            "url": self.page.get_url(request),
            "lat": self.page.latitude,
            "lon": self.page.longitude,
            "etat": self.opening.label,
        }

    @property
    def needs_verification(self) -> bool:
        return verification_is_stale(self.page.structure_last_verified)

    @property
    def is_free(self) -> bool:
        return any(term.code == FREE for term in self.page.terms_of(Vocabulary.FRAIS))


@dataclass
class DirectoryResults:
    """The matching places' ids, in the order shown, and their distances when sorted by one."""

    ids: list[int] = field(default_factory=list)
    distances: dict[int, float | None] = field(default_factory=dict)
    sorted_from: str = ""
    notice: str = ""

    @property
    def count(self) -> int:
        return len(self.ids)

    def page(self, number, *, per_page: int, now: datetime) -> Page:
        """One page of results, read whole: the page's places with their terms and structure."""
        shown = Paginator(self.ids, per_page).get_page(number)
        places = directory_places().in_bulk(list(shown.object_list))
        shown.object_list = [
            PlaceResult(
                page=places[pk],
                opening=status(places[pk].horaires, at=now),
                distance_km=self.distances.get(pk),
            )
            for pk in shown.object_list
            if pk in places
        ]
        return shown


@dataclass(frozen=True)
class _Row:
    pk: int
    horaires: str
    latitude: float | None
    longitude: float | None


def _next_weekday(name: str, today: date) -> date:
    return today + timedelta(days=(WEEKDAYS.index(name) - today.weekday()) % 7)


def _distance_km(origin: tuple[float, float], row: _Row) -> float | None:
    if row.latitude is None or row.longitude is None:
        return None
    return distance_km(origin, (row.latitude, row.longitude))


def search_directory(data: dict, *, now: datetime) -> DirectoryResults:
    """The places matching a valid DirectoryForm's cleaned data, in the order to show them."""
    places = directory_places()
    notice = ""
    for name in ("services", "publics", "accessibilite", "accompagnement"):
        if data.get(name):
            places = with_any_term(places, data[name])
    if data.get("gratuit"):
        places = with_any_term(places, Term.objects.filter(vocabulary=Vocabulary.FRAIS, code=FREE))
    if data.get("commune"):
        places = places.filter(commune=data["commune"])
    if data.get("q"):
        try:
            found = search(
                LieuPage.objects.live().public(),
                data["q"],
                limit=MAX_SEARCH_RESULTS,
                operator="and",
            )
        except SearchRefused:
            found, notice = (
                [],
                _("Ce mot-clé n'a pas pu être cherché : essayez avec d'autres mots."),
            )
        places = places.filter(pk__in=[page.pk for page in found])

    rows = [
        _Row(*values) for values in places.values_list("pk", "horaires", "latitude", "longitude")
    ]
    rows = _filter_by_opening(rows, data, now=now)
    found_places = _sort_by_distance(rows, data.get("code_postal"))
    found_places.notice = found_places.notice or notice
    return found_places


def _filter_by_opening(rows: list[_Row], data: dict, *, now: datetime) -> list[_Row]:
    when, part = data.get("quand"), data.get("moment") or None
    if when == NOW:
        is_open = _per_hours(rows, lambda hours: status(hours, at=now).is_open)
    elif when in WEEKDAYS or part:
        today = timezone.localtime(now).date()
        day = _next_weekday(when, today) if when in WEEKDAYS else today
        is_open = _per_hours(rows, lambda hours: is_open_during(hours, day=day, part=part))
    else:
        return rows
    return [row for row in rows if is_open[row.horaires]]


def _per_hours(rows: list[_Row], answer) -> dict[str, bool]:
    """The answer once per distinct opening hours: many places share theirs."""
    return {hours: answer(hours) for hours in {row.horaires for row in rows}}


def _sort_by_distance(rows: list[_Row], code: str | None) -> DirectoryResults:
    ids = [row.pk for row in rows]
    if not code:
        return DirectoryResults(ids=ids)
    centre = postcode_centre(code)
    if centre is None:
        notice = _(
            "Aucun lieu du réseau n'a le code postal %(code)s : la liste n'est pas triée par distance."
        )
        return DirectoryResults(ids=ids, notice=notice % {"code": code})
    distances = {row.pk: _distance_km(centre, row) for row in rows}
    # sorted() is stable: places at the same distance keep their alphabetical order.
    ids.sort(key=lambda pk: (distances[pk] is None, distances[pk] or 0))
    return DirectoryResults(ids=ids, distances=distances, sorted_from=code)
