"""Validators for what partner structures type in: French phone numbers, SIRET/RNA, postcodes."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

LA_POSTE_SIREN = "356000000"


# Overseas departments dial with their own country code but keep 10-digit national numbers.
OVERSEAS_CODES = {"262": "262", "269": "262", "590": "590", "594": "594", "596": "596"}
# National prefixes of those numbers (landlines and mobiles) → their international code.
OVERSEAS_PREFIXES = {
    "0262": "262",
    "0263": "262",
    "0269": "262",
    "0692": "262",
    "0693": "262",
    "0639": "262",
    "0590": "590",
    "0690": "590",
    "0691": "590",
    "0594": "594",
    "0694": "594",
    "0596": "596",
    "0696": "596",
    "0697": "596",
}
# Collectivities with their own short numbering, kept in international form.
OWN_NUMBERING = {"508": 6, "681": 6, "687": 6, "689": 8}


def normalise_phone(value: str) -> str:
    """'0479123456', '+33 4 79 12 34 56' → '04 79 12 34 56'; '+262 262 12 34 56' → '02 62 12 34 56';
    '+687 12 34 56' stays international. Raises ValidationError otherwise."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    for code, length in OWN_NUMBERING.items():
        if re.fullmatch(rf"\+{code}\d{{{length}}}", digits):
            local = digits[len(code) + 1 :]
            return f"+{code} " + " ".join(local[index : index + 2] for index in range(0, length, 2))
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits[1:4] in OVERSEAS_CODES and digits.startswith("+"):
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
    """The international form for tel: links and exports (+33…, +262… overseas)."""
    if (value or "").startswith("+"):
        return re.sub(r"[^\d+]", "", value)
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 10 or not digits.startswith("0"):
        return digits
    return f"+{OVERSEAS_PREFIXES.get(digits[:4], '33')}{digits[1:]}"


def lines(value: str) -> list[str]:
    """The non-empty lines of a one-value-per-line field."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def validate_email_lines(value: str) -> None:
    for line in lines(value):
        try:
            validate_email(line)
        except ValidationError:
            raise ValidationError(
                _("« %(value)s » n'est pas une adresse électronique valide.")
                % {"value": line[:80]},
                code="email",
            ) from None


def validate_url_lines(value: str) -> None:
    for line in lines(value):
        try:
            URLValidator(schemes=["http", "https"])(line)
        except ValidationError:
            raise ValidationError(
                _("« %(value)s » n'est pas une adresse web valide (elle commence par https://).")
                % {"value": line[:80]},
                code="url",
            ) from None


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
