"""Front-end forms of the bilans: the method library's filters, an action's status (members of
its structure), an action's every field (facilitators)."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, Site

from bilans.models import Action, MethodKind, Objective, Status
from bilans.models.actions import CARRIER_MODELS, DESCRIPTION_MAX_LENGTH
from bilans.models.pages import MAX_GROUP_SIZE
from structures.models import StructurePage
from website.queries import without_restricted

MAX_CARRIERS = 10
DURATIONS = [
    ("", _("Toutes les durées")),
    ("15", _("15 minutes au plus")),
    ("30", _("30 minutes au plus")),
    ("60", _("1 heure au plus")),
    ("120", _("2 heures au plus")),
]
REMOTE = [
    ("", _("Sur place ou à distance")),
    ("oui", _("Faisable à distance")),
    ("non", _("Sur place seulement")),
]


class MethodFilters(forms.Form):
    objectif = forms.ChoiceField(
        choices=[("", _("Tous les objectifs")), *Objective.choices],
        required=False,
        label=_("Objectif"),
        error_messages={"invalid_choice": _("Cet objectif n'existe pas.")},
    )
    type = forms.ChoiceField(
        choices=[("", _("Tous les types")), *MethodKind.choices],
        required=False,
        label=_("Type"),
        error_messages={"invalid_choice": _("Ce type de méthode n'existe pas.")},
    )
    participants = forms.IntegerField(
        min_value=1,
        max_value=MAX_GROUP_SIZE,
        required=False,
        label=_("Nombre de participants"),
        error_messages={
            "invalid": _("Indiquez un nombre de participants, en chiffres."),
            "min_value": _("Indiquez au moins une personne."),
            "max_value": _("Indiquez au plus %(limit_value)s personnes."),
        },
    )
    duree = forms.ChoiceField(
        choices=DURATIONS,
        required=False,
        label=_("Durée"),
        error_messages={"invalid_choice": _("Cette durée n'est pas proposée.")},
    )
    distance = forms.ChoiceField(
        choices=REMOTE,
        required=False,
        label=_("À distance"),
        error_messages={"invalid_choice": _("Ce choix n'est pas proposé.")},
    )

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "objective": data["objectif"],
            "kind": data["type"],
            "people": data["participants"],
            "max_duration": int(data["duree"]) if data["duree"] else None,
            "remote": {"oui": True, "non": False}.get(data["distance"]),
        }


class ActionStatusForm(forms.Form):
    # The status shown when the form was drawn (bilans.services.set_status).
    seen = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=Status.choices,
        label=_("État"),
        error_messages={
            "required": _("Choisissez un état."),
            "invalid_choice": _(
                "Cet état n'existe pas : choisissez à faire, en cours, faite ou abandonnée."
            ),
        },
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CarriersField(forms.CharField):
    """The pages that carry an action out, typed as their addresses, one per line: events,
    resources or calls for projects of this site."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_CARRIERS * 300, required=False, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        addresses = [line.strip() for line in text.splitlines() if line.strip()]
        if len(addresses) > MAX_CARRIERS:
            raise ValidationError(_("Indiquez au plus %(max)s pages.") % {"max": MAX_CARRIERS})
        root = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        pages = []
        for address in addresses:
            page = _page_at(address, root.root_page if root else None)
            if page is None:
                raise ValidationError(
                    _(
                        "« %(address)s » n'est ni un événement, ni une ressource, ni un appel à "
                        "projets publié sur ce site. Copiez l'adresse de la page depuis votre navigateur."
                    )
                    % {"address": address[:200]}
                )
            pages.append(page)
        return pages


def _page_at(address: str, root: Page | None) -> Page | None:
    if root is None:
        return None
    path = urlsplit(address).path.strip("/")
    if not path:
        return None
    candidates = without_restricted(Page.objects.live()).filter(url_path=f"{root.url_path}{path}/")
    page = candidates.select_related("content_type").first()
    if page is None:
        return None
    if f"{page.content_type.app_label}.{page.content_type.model}" not in CARRIER_MODELS:
        return None
    return page


def carriers_field() -> CarriersField:
    """The same field on the front end and in the admin."""
    return CarriersField(
        label=_("Mise en œuvre par"),
        help_text=_(
            "Facultatif : l'adresse d'un événement, d'une ressource ou d'un appel à projets du "
            "site, une par ligne."
        ),
    )


def carriers_text(action: Action) -> str:
    """An action's carriers as the field shows them: their addresses, one per line."""
    if not action.pk:
        return ""
    return "\n".join(page.url or "" for page in action.carried_by.all())


class ActionForm(forms.ModelForm):
    structure = forms.ModelChoiceField(
        queryset=StructurePage.objects.none(),
        required=False,
        label=_("Structure responsable"),
        empty_label=_("L'équipe d'animation du réseau"),
        error_messages={"invalid_choice": _("Cette structure n'existe pas ou n'est plus publiée.")},
    )
    carriers = carriers_field()

    class Meta:
        model = Action
        fields = ["structure", "description", "due_date", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": DESCRIPTION_MAX_LENGTH}),
            "due_date": DateInput(),
        }
        error_messages = {
            "description": {
                "required": _("Décrivez l'action en une phrase."),
                "max_length": _(
                    "Une action se décrit en %(limit_value)d caractères au plus "
                    "(celle-ci en compte %(show_value)d) : raccourcissez-la."
                ),
            },
            "due_date": {"invalid": _("Indiquez l'échéance sous la forme jj/mm/aaaa.")},
            "status": {"invalid_choice": _("Cet état n'existe pas.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = without_restricted(
            StructurePage.objects.live()
        ).order_by("title")
        self.fields["due_date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.initial.setdefault("carriers", carriers_text(self.instance))

    def clean_description(self):
        description = self.cleaned_data["description"].strip()
        if not description:
            raise ValidationError(_("Décrivez l'action en une phrase."))
        return description
