"""Validators for what partner structures type in: French phone numbers, SIRET/RNA, postcodes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LA_POSTE_SIREN = "356000000"


def normalise_phone(value: str) -> str:
    """'0479123456', '+33 4 79 12 34 56' → '04 79 12 34 56'; raises ValidationError otherwise."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        raise ValidationError(
            _(
                "Numéro de téléphone invalide : indiquez 10 chiffres commençant par 0, par exemple 04 79 12 34 56."
            ),
            code="phone",
        )
    return " ".join(digits[index : index + 2] for index in range(0, 10, 2))


def validate_phone(value: str) -> None:
    normalise_phone(value)


def phone_link(value: str) -> str:
    """The international form for tel: links."""
    digits = re.sub(r"\D", "", value or "")
    return f"+33{digits[1:]}" if len(digits) == 10 and digits.startswith("0") else digits


def _luhn(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def validate_siret_or_rna(value: str) -> None:
    """A SIRET (14 digits, Luhn-checked) or an RNA number (W followed by 9 characters)."""
    compact = re.sub(r"\s", "", value or "").upper()
    if re.fullmatch(r"W[0-9A-Z]{9}", compact):
        return
    if re.fullmatch(r"\d{14}", compact):
        # La Poste's establishments share one SIREN and follow their own checksum rule.
        valid = (
            sum(map(int, compact)) % 5 == 0
            if compact.startswith(LA_POSTE_SIREN)
            else _luhn(compact)
        )
        if valid:
            return
        raise ValidationError(
            _("Ce numéro SIRET n'existe pas : vérifiez les 14 chiffres."), code="siret"
        )
    raise ValidationError(
        _("Indiquez un numéro SIRET (14 chiffres) ou un numéro RNA (W suivi de 9 caractères)."),
        code="siret_or_rna",
    )


def validate_postcode(value: str) -> None:
    if not re.fullmatch(r"(?!00)\d{5}", value or ""):
        raise ValidationError(
            _("Code postal invalide : 5 chiffres, par exemple 73000."), code="postcode"
        )
