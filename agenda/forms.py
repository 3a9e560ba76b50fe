"""The front-end event form: members propose and change their structures' events, visitors
propose events to the network. It edits a page instance; agenda.moderation saves it."""

from django import forms
from django.db import models
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from agenda.models import EventPage, Mode, OccurrenceOverride, Status
from agenda.models.moderation import MESSAGE_MAX_LENGTH, Action
from agenda.moderation import UNCHECKED
from agenda.recurrence import session_days
from agenda.recurrence_field import RecurrenceField, check_against_start
from structures.models import LieuPage, Term, Vocabulary
from structures.models.pages import TermField
from website.guard import HoneypotFormMixin
from website.queries import without_restricted

DESCRIPTION_MAX_LENGTH = 5000
TAGS_MAX_LENGTH = 200
TAG_MAX_LENGTH = 50
MAX_TAGS = 10
CONFLICT_MESSAGE = _(
    "Quelqu'un a enregistré une autre version de cet événement pendant que vous le modifiiez : "
    "vos changements ne sont pas enregistrés. Ils sont conservés dans le formulaire ci-dessous, "
    "qui part maintenant de la version la plus récente : relisez-la, puis enregistrez de nouveau."
)

FIELDS = [
    "title",
    "summary",
    "category",
    "start",
    "end",
    "all_day",
    "recurrence",
    "exceptions",
    "mode",
    "place",
    "address",
    "online_url",
    "accessibility",
    "registration_url",
    "registration_phone",
    "registration_email",
]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def plain_text(body) -> str:
    """The description as the form edits it: the text of its paragraphs, one per line."""
    from django.utils.html import strip_tags

    return "\n\n".join(
        strip_tags(block.value.source).strip() for block in body if block.block_type == "paragraph"
    )


def only_paragraphs(body) -> bool:
    return all(block.block_type == "paragraph" for block in body)


def paragraphs(text: str) -> list[tuple[str, str]]:
    """Plain text as paragraph blocks, escaped: nobody's markup reaches the page."""
    chunks = [chunk.strip() for chunk in text.replace("\r\n", "\n").split("\n\n")]
    return [
        ("paragraph", "<p>" + escape(chunk).replace("\n", "<br>") + "</p>")
        for chunk in chunks
        if chunk
    ]


class SessionChange(models.TextChoices):
    CANCEL = "annulee", _("Cette séance est annulée")
    MOVE = "deplacee", _("Cette séance a lieu à d'autres heures ou un autre jour")


SESSION_FIELDS = ("session_date", "session_change", "session_start", "session_end")


def _formfield(field, **kwargs):
    # People type "www.exemple.fr": read it as https, as Django 6 will.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class EventForm(HoneypotFormMixin, forms.ModelForm):
    """One form for proposing and changing an event. `structures` are those the person may
    choose (none for a visitor); `email_required` asks a visitor how to answer them."""

    structure = forms.ModelChoiceField(
        queryset=None,
        label=_("Structure organisatrice"),
        empty_label=None,
        help_text=_("L'événement paraîtra sur la page de cette structure."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Du texte simple ; laissez une ligne vide entre deux paragraphes."),
    )
    publics = TermField(Vocabulary.PUBLICS)
    tags = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=TAGS_MAX_LENGTH,
        help_text=_("Séparés par des virgules, par exemple : démarches, smartphone."),
    )
    recurrence = RecurrenceField()
    email = forms.EmailField(
        label=_("Votre courriel"),
        required=False,
        max_length=254,
        help_text=_(
            "Pour vous répondre au sujet de cette proposition, et à rien d'autre. "
            "Il est effacé 90 jours après la réponse."
        ),
    )

    # One session of a series changes: cancelled, or moved (edits only, recurring events only).
    session_date = forms.DateField(
        label=_("Date de la séance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Une date où la série a lieu, par exemple le vendredi à annuler."),
    )
    session_change = forms.ChoiceField(
        label=_("Ce qui change"),
        required=False,
        choices=SessionChange.choices,
        widget=forms.RadioSelect,
    )
    session_start = forms.DateTimeField(
        label=_("Nouveau début"), required=False, widget=DateTimeInput()
    )
    session_end = forms.DateTimeField(
        label=_("Nouvelle fin"), required=False, widget=DateTimeInput()
    )
    # The version the person started from: a save on top of someone else's newer one is a
    # conflict (agenda.moderation.save_event), never a silent overwrite.
    loaded_revision = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    class Meta:
        model = EventPage
        fields = [*FIELDS, "status"]
        widgets = {
            "start": DateTimeInput(),
            "end": DateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "exceptions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"title": _("Titre")}
        help_texts = {"title": _("Court et parlant : « Atelier smartphone », « Permanence CAF ».")}
        formfield_callback = _formfield

    def __init__(
        self,
        *args,
        structures=None,
        email_required=False,
        is_new=True,
        network_choice=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if structures is None:
            del self.fields["structure"]
        else:
            self.fields["structure"].queryset = structures
            if network_choice:
                # Facilitators also announce the network's own events, under the agenda.
                self.fields["structure"].required = False
                self.fields["structure"].empty_label = _("Tout le réseau (agenda commun)")
        if email_required:
            self.fields["email"].required = True
        else:
            del self.fields["email"]
        if is_new or not self.instance.recurrence:
            for name in SESSION_FIELDS:
                del self.fields[name]
        if is_new:
            # A new event is announced as scheduled; postponing or cancelling is a change.
            del self.fields["status"]
            del self.fields["loaded_revision"]
        else:
            self.fields["status"].help_text = _(
                "« Reporté » ou « Annulé » le signalent partout, flux compris."
            )
        self.fields["place"].queryset = without_restricted(LieuPage.objects.live()).order_by(
            "title"
        )
        self.fields["place"].empty_label = _("Aucun (autre adresse ou en ligne)")
        instance = self.instance
        if instance.pk:
            self.initial.setdefault("publics", [term.pk for term in instance.publics_list])
            self.initial.setdefault("tags", ", ".join(tag.name for tag in instance.tags.all()))
            if only_paragraphs(instance.body):
                self.initial.setdefault("description", plain_text(instance.body))
            else:
                # Images or buttons would be lost in a plain text box: the admin edits those.
                del self.fields["description"]

    def clean_tags(self) -> list[str]:
        names = []
        for raw in self.cleaned_data.get("tags", "").split(","):
            name = " ".join(raw.split())
            if not name:
                continue
            if len(name) > TAG_MAX_LENGTH:
                raise forms.ValidationError(
                    _("Un mot-clé fait au plus %(max)s caractères : « %(tag)s »."),
                    params={"max": TAG_MAX_LENGTH, "tag": Truncator(name).chars(TAG_MAX_LENGTH)},
                )
            if name.lower() not in (existing.lower() for existing in names):
                names.append(name)
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("%(max)s mots-clés au plus."), params={"max": MAX_TAGS})
        return names

    def clean_loaded_revision(self):
        """The revision id the person started from (None: the event had none); UNCHECKED when
        the form was sent without the field, by a client other than the page's form."""
        if "loaded_revision" not in self.data:
            return UNCHECKED
        value = self.cleaned_data["loaded_revision"].strip()
        if value and not value.isdigit():
            self.add_error(None, CONFLICT_MESSAGE)
        return int(value) if value.isdigit() else None

    def show_conflict(self) -> None:
        self.add_error(None, CONFLICT_MESSAGE)

    def clean(self):
        cleaned = super().clean()
        check_against_start(self)
        if "session_date" in self.fields:
            self._clean_session(cleaned)
        if cleaned.get("mode") == Mode.ONLINE:
            cleaned["place"] = None
        return cleaned

    def _clean_session(self, cleaned) -> None:
        day, change = cleaned.get("session_date"), cleaned.get("session_change")
        if not day and not change:
            return
        if not day:
            self.add_error("session_date", _("Indiquez la date de la séance qui change."))
            return
        if not change:
            self.add_error("session_change", _("Dites si cette séance est annulée ou déplacée."))
            return
        start, rule = cleaned.get("start"), cleaned.get("recurrence")
        if start and rule and day not in session_days(start, rule):
            self.add_error("session_date", _("La série n'a pas de séance ce jour-là."))
        if change == SessionChange.MOVE:
            new_start, new_end = cleaned.get("session_start"), cleaned.get("session_end")
            if not new_start or not new_end:
                self.add_error("session_start", _("Indiquez le nouveau début et la nouvelle fin."))
            elif new_end < new_start:
                self.add_error("session_end", _("La fin doit venir après le début."))

    def _apply_session(self, page: EventPage) -> None:
        day = self.cleaned_data.get("session_date")
        if not day:
            return
        moved = self.cleaned_data.get("session_change") == SessionChange.MOVE
        kept = [override for override in page.overrides.all() if override.original_date != day]
        page.overrides = [
            *kept,
            OccurrenceOverride(
                original_date=day,
                cancelled=not moved,
                start=self.cleaned_data.get("session_start") if moved else None,
                end=self.cleaned_data.get("session_end") if moved else None,
            ),
        ]

    def apply(self) -> EventPage:
        """The page with the form's values, not saved (the moderation service saves it)."""
        page = self.save(commit=False)
        page.terms = [
            *(term for term in page.terms.all() if term.vocabulary != Vocabulary.PUBLICS),
            *self.cleaned_data.get("publics", Term.objects.none()),
        ]
        page.tags.set(self.cleaned_data.get("tags", []), clear=True)
        if "description" in self.cleaned_data:
            page.body = paragraphs(self.cleaned_data["description"])
        if "status" not in self.fields and not page.pk:
            page.status = Status.SCHEDULED
        if "session_date" in self.fields:
            self._apply_session(page)
        return page


class ModerationForm(forms.Form):
    """A moderator's decision, from the front-end queue."""

    action = forms.ChoiceField(
        choices=[
            (Action.APPROVE.value, _("Approuver et publier")),
            (Action.REQUEST_CHANGES.value, Action.REQUEST_CHANGES.label),
            (Action.REFUSE.value, Action.REFUSE.label),
        ],
        widget=forms.RadioSelect,
        label=_("Décision"),
    )
    comment = forms.CharField(
        label=_("Message à la personne qui a proposé"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour demander des modifications ou refuser."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") in (Action.REQUEST_CHANGES, Action.REFUSE)
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", _("Écrivez un message pour expliquer votre décision."))
        return cleaned
