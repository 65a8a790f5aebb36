"""Field validators for registry numbers, with Norwegian messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from fastlege.registry import rules

HPR_MIN_DIGITS = 4
HPR_MAX_DIGITS = 9


def validate_org_number(value: str) -> None:
    """Organisation number (Enhetsregisteret), nine digits with a mod-11 check digit."""
    try:
        orgnr.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Organisasjonsnummeret er ikke gyldig (ni siffer med riktig kontrollsiffer)."),
            code="org_number",
        ) from None


def validate_hpr_number(value: str) -> None:
    """HPR number (Helsepersonellregisteret).

    HPR publishes no check-digit algorithm; an HPR number is a positive whole
    number of at most nine digits with no leading zero. Demo doctors get
    synthetic nine-digit numbers starting with 9 (see the seed module).
    """
    text = str(value)
    if (
        not text.isdigit()
        or text.startswith("0")
        or not HPR_MIN_DIGITS <= len(text) <= HPR_MAX_DIGITS
    ):
        raise ValidationError(
            _("HPR-nummeret må være et tall med 4 til 9 siffer uten innledende null."),
            code="hpr_number",
        )


def validate_ceiling(value: int) -> None:
    low, high = rules.ceiling_limits()
    if value is None or not low <= value <= high:
        raise ValidationError(
            _("Listetaket må være mellom %(low)s og %(high)s (fastlegeforskriften § 10)."),
            code="ceiling_out_of_range",
            params={"low": low, "high": high},
        )
