"""The directory of digital spaces: what a resident asks for, and the places that answer it.

Vocabulary filters run in the database. Opening hours and distances are computed in Python on
the filtered places' rows only (hours, coordinates, name, path: no page objects); whole
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
from structures.opening_hours import (
    DAY_PART_CHOICES,
    DAY_PARTS,
    OpeningStatus,
    is_open_during,
    status,
)
from structures.selectors import (
    departement_centre,
    departement_of,
    directory_communes,
    directory_places,
    postcode_centre,
    with_any_term,
)
from website import page_cache
from website.searching import SearchRefused, search

FREE = "Gratuit"
NOW = "maintenant"
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MAX_SEARCH_RESULTS = 1000
# What "Trier autour de moi" receives at most: a département's places fit many times over.
MAX_LOCATED = 5000


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
    notices: list[str] = field(default_factory=list)

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
    title: str
    url_path: str
    commune: str

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _next_weekday(name: str, today: date) -> date:
    return today + timedelta(days=(WEEKDAYS.index(name) - today.weekday()) % 7)


def _coming_days(part: str, now: datetime) -> list[date]:
    """The days of the next seven occurrences of a part of the day not over yet.

    Today's part counts until it ends (a morning until noon); from then on, the seventh one is
    next week's.
    """
    local = timezone.localtime(now)
    today = local.date()
    part_ends = datetime.combine(today, DAY_PARTS[part][1], tzinfo=local.tzinfo)
    first = today if local < part_ends else today + timedelta(days=1)
    if first == today:
        # The days change when today's part ends: a cached answer must not outlive it.
        page_cache.changes_at(part_ends)
    return [first + timedelta(days=offset) for offset in range(7)]


def _distance_km(origin: tuple[float, float], row: _Row) -> float | None:
    if not row.located:
        return None
    return distance_km(origin, (row.latitude, row.longitude))


def search_directory(data: dict, *, now: datetime) -> DirectoryResults:
    """The places matching a valid DirectoryForm's cleaned data, in the order to show them."""
    rows, notices = _matching_rows(data, now=now)
    found = _sort_by_distance(rows, data.get("code_postal"))
    found.notices = notices + found.notices
    return found


def located_places(data: dict, *, now: datetime, request) -> dict:
    """Every matching place that has coordinates, for the browser to sort around the visitor.

    The visitor's position never leaves the browser: it asks with the filters only and gets
    every candidate, name, link, commune and position, from the same single read of the rows
    as the directory (no query per place). Past `MAX_LOCATED` the list is cut and says so.
    """
    rows, _notices = _matching_rows(data, now=now)
    located = [row for row in rows if row.located]
    return {
        "lieux": [
            {
                "nom": row.title,
                # A page built from the row's own columns: its URL comes from the site's root
                # paths, which Wagtail keeps on the request, so no query is made per place.
                "url": LieuPage(pk=row.pk, url_path=row.url_path).get_url(request),
                "commune": row.commune,
                "lat": row.latitude,
                "lon": row.longitude,
            }
            for row in located[:MAX_LOCATED]
        ],
        "complet": len(located) <= MAX_LOCATED,
    }


def _matching_rows(data: dict, *, now: datetime) -> tuple[list[_Row], list[str]]:
    """The rows of the places matching every criterion, alphabetical, and notices to show."""
    places = directory_places()
    notices = []
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
            found = []
            notices.append(_("Ce mot-clé n'a pas pu être cherché : essayez avec d'autres mots."))
        places = places.filter(pk__in=[page.pk for page in found])

    rows = [
        _Row(*values)
        for values in places.values_list(
            "pk", "horaires", "latitude", "longitude", "title", "url_path", "commune"
        )
    ]
    rows, notice = _filter_by_opening(rows, data, now=now)
    return rows, notices + ([notice] if notice else [])


def _filter_by_opening(rows: list[_Row], data: dict, *, now: datetime) -> tuple[list[_Row], str]:
    when, part = data.get("quand"), data.get("moment") or None
    notice = ""
    if when == NOW:
        if part:
            notice = _(
                "« Ouvert maintenant » l'emporte sur le moment de la journée choisi : "
                "la liste montre les lieux ouverts en ce moment."
            )
        is_open = _per_hours(rows, lambda hours: status(hours, at=now).is_open)
    elif when in WEEKDAYS:
        day = _next_weekday(when, timezone.localtime(now).date())
        is_open = _per_hours(rows, lambda hours: is_open_during(hours, day=day, part=part))
    elif part:
        # Any day: open on one of the coming seven mornings (afternoons, evenings).
        days = _coming_days(part, now)
        is_open = _per_hours(
            rows, lambda hours: any(is_open_during(hours, day=day, part=part) for day in days)
        )
    else:
        return rows, notice
    return [row for row in rows if is_open[row.horaires]], notice


def _per_hours(rows: list[_Row], answer) -> dict[str, bool]:
    """The answer once per distinct opening hours: many places share theirs."""
    return {hours: answer(hours) for hours in {row.horaires for row in rows}}


def _sort_by_distance(rows: list[_Row], code: str | None) -> DirectoryResults:
    ids = [row.pk for row in rows]
    if not code:
        return DirectoryResults(ids=ids)
    notices = []
    centre = postcode_centre(code)
    if centre is None:
        departement = departement_of(code)
        centre = departement_centre(departement)
        if centre is None:
            notice = _(
                "Aucun lieu du réseau n'a le code postal %(code)s, ni dans son département : "
                "la liste n'est pas triée par distance."
            )
            return DirectoryResults(ids=ids, notices=[notice % {"code": code}])
        notice = _(
            "Aucun lieu du réseau n'a le code postal %(code)s : le tri est approximatif, depuis "
            "le centre des lieux du réseau dans le département %(departement)s."
        )
        notices.append(notice % {"code": code, "departement": departement.code})
    distances = {row.pk: _distance_km(centre, row) for row in rows}
    # sorted() is stable: places at the same distance keep their alphabetical order.
    ids.sort(key=lambda pk: (distances[pk] is None, distances[pk] or 0))
    return DirectoryResults(ids=ids, distances=distances, sorted_from=code, notices=notices)
