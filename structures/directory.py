"""The directory of digital spaces: what a resident asks for, and the places that answer it.

Vocabulary filters run in the database; opening hours and distances are computed per place in
Python on the filtered list (a network has hundreds of places, not millions).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django import forms
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


class TermChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes for one vocabulary, keyed by the standard's own values so URLs can be shared."""

    def __init__(self, vocabulary: Vocabulary, label: str):
        super().__init__(
            queryset=Term.objects.filter(vocabulary=vocabulary),
            to_field_name="code",
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=label,
        )


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
    places: list[PlaceResult] = field(default_factory=list)
    sorted_from: str = ""
    notice: str = ""

    @property
    def count(self) -> int:
        return len(self.places)


def _next_weekday(name: str, today: date) -> date:
    return today + timedelta(days=(WEEKDAYS.index(name) - today.weekday()) % 7)


def _distance_km(origin: tuple[float, float], page: LieuPage) -> float | None:
    if page.latitude is None or page.longitude is None:
        return None
    return distance_km(origin, (page.latitude, page.longitude))


def search_directory(data: dict, *, now: datetime) -> DirectoryResults:
    """The places matching a valid DirectoryForm's cleaned data, with their opening status."""
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

    results = [PlaceResult(page=page, opening=status(page.horaires, at=now)) for page in places]
    results = _filter_by_opening(results, data, now=now)
    found_places = _sort_by_distance(results, data.get("code_postal"))
    found_places.notice = found_places.notice or notice
    return found_places


def _filter_by_opening(
    results: list[PlaceResult], data: dict, *, now: datetime
) -> list[PlaceResult]:
    when, part = data.get("quand"), data.get("moment") or None
    if when == NOW:
        return [result for result in results if result.opening.is_open]
    if when in WEEKDAYS or part:
        today = timezone.localtime(now).date()
        day = _next_weekday(when, today) if when in WEEKDAYS else today
        return [
            result for result in results if is_open_during(result.page.horaires, day=day, part=part)
        ]
    return results


def _sort_by_distance(results: list[PlaceResult], code: str | None) -> DirectoryResults:
    if not code:
        return DirectoryResults(places=results)
    centre = postcode_centre(code)
    if centre is None:
        notice = _(
            "Aucun lieu du réseau n'a le code postal %(code)s : la liste n'est pas triée par distance."
        )
        return DirectoryResults(places=results, notice=notice % {"code": code})
    for result in results:
        result.distance_km = _distance_km(centre, result.page)
    results.sort(key=lambda result: (result.distance_km is None, result.distance_km or 0))
    return DirectoryResults(places=results, sorted_from=code)
