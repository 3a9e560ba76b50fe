"""The watch's front-end forms: a structure's interest in a call, and an alert subscription."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veille.models import Frequency, InterestStatus
from website.guard import HoneypotFormMixin

WITHDRAW = "retirer"


class StructureChoiceField(forms.ModelChoiceField):
    """A structure by id; anything but a plausible id is an unknown choice, never a query
    (a 30-digit number overflows the database's integers)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(text)


class InterestForm(forms.Form):
    """A member records where their structure stands on a call (or stops following it)."""

    structure = StructureChoiceField(
        queryset=None,
        label=_("Structure"),
        empty_label=None,
        error_messages={
            "invalid_choice": _("Vous ne pouvez pas indiquer l'intérêt de cette structure."),
            "required": _("Choisissez votre structure."),
        },
    )
    status = forms.ChoiceField(
        label=_("Où en est-elle ?"),
        choices=[*InterestStatus.choices, (WITHDRAW, _("Ne plus suivre cet appel"))],
        error_messages={"invalid_choice": _("Choisissez l'une des étapes proposées.")},
    )
    note = forms.CharField(
        label=_("Précision (facultatif)"),
        required=False,
        max_length=300,
        help_text=_(
            "Par exemple : le montant obtenu, la personne à contacter. 300 caractères au plus."
        ),
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class AlertForm(HoneypotFormMixin, forms.Form):
    """Subscribe an address to the current search; the search itself comes with the form."""

    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        error_messages={
            "required": _("Indiquez l'adresse à laquelle envoyer l'alerte."),
            "invalid": _("Cette adresse électronique n'est pas valide (exemple : nom@exemple.fr)."),
        },
        help_text=_("Utilisée pour cette alerte seulement ; effacée quand vous vous désabonnez."),
    )
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choisissez « chaque jour » ou « chaque semaine ».")},
    )
    recherche = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
