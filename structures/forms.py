"""Forms for invitations and for a person's own account."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from structures.invitations import accounts_for, managed_structures, normalise_email
from structures.models import Invitation, Membership
from website.guard import HoneypotFormMixin

# The address becomes the username, whose column holds 150 characters.
EMAIL_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length
NAME_MAX_LENGTH = 150
PASSWORD_MAX_LENGTH = 4096


class InviteForm(WagtailAdminModelForm):
    """ "Inviter une personne", in the admin: an address, a structure, a role."""

    class Meta:
        model = Invitation
        fields = ["email", "structure", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.max_length = EMAIL_MAX_LENGTH
        email.widget.attrs["maxlength"] = EMAIL_MAX_LENGTH
        email.help_text = _("Elle servira d'identifiant de connexion.")
        self.fields["structure"].queryset = managed_structures(self.for_user).order_by("title")
        self.fields["role"].help_text = _(
            "Un éditeur ou une éditrice modifie et publie les pages de la structure."
        )

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                _("Cette adresse est trop longue (%(max)s caractères au plus)."),
                params={"max": EMAIL_MAX_LENGTH},
            )
        try:
            UnicodeUsernameValidator()(email)
        except ValidationError as error:
            raise ValidationError(
                _(
                    "Cette adresse ne peut pas servir d'identifiant : seuls les lettres, les chiffres et les caractères @ . + - _ sont admis."
                )
            ) from error
        return email

    def clean(self):
        cleaned = super().clean()
        email, structure = cleaned.get("email"), cleaned.get("structure")
        if email and structure:
            already = Membership.objects.filter(
                structure=structure, user__in=accounts_for(email)
            ).exists()
            if already:
                self.add_error(
                    "email",
                    _(
                        "Cette personne fait déjà partie de cette structure : changez son rôle dans « Appartenances »."
                    ),
                )
        return cleaned


class ResendInvitationForm(WagtailAdminModelForm):
    """Resending an invitation: a new link, and the role may change on the way."""

    class Meta:
        model = Invitation
        fields = ["role"]


class AcceptInvitationForm(HoneypotFormMixin, forms.Form):
    """The invited person's name and password; the address comes from the invitation."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
        help_text=_(
            "Au moins 12 caractères ; évitez un mot de passe courant ou proche de votre nom ou de votre adresse."
        ),
    )
    password2 = forms.CharField(
        label=_("Mot de passe, une seconde fois"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password1:
            # The validators compare the password with what the account will hold.
            user = get_user_model()(
                username=self.invitation.email,
                email=self.invitation.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class JoinForm(HoneypotFormMixin, forms.Form):
    """A signed-in person accepts an invitation sent to their own address: one button."""


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Ce mot de passe n'est pas le bon."))
        return password
