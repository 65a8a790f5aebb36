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


#: Languages a GP may be found by (ISO 639-1 code → name in bokmål): the largest
#: immigrant languages in Norway (SSB), English and the Sami languages. Norwegian
#: is not listed: every GP speaks it.
LANGUAGES: dict[str, str] = {
    "se": "nordsamisk",
    "en": "engelsk",
    "sv": "svensk",
    "da": "dansk",
    "de": "tysk",
    "fr": "fransk",
    "es": "spansk",
    "it": "italiensk",
    "pl": "polsk",
    "lt": "litauisk",
    "ru": "russisk",
    "uk": "ukrainsk",
    "ar": "arabisk",
    "so": "somali",
    "fa": "persisk",
    "ur": "urdu",
    "ti": "tigrinja",
    "tr": "tyrkisk",
    "th": "thai",
    "vi": "vietnamesisk",
    "tl": "tagalog",
    "ta": "tamil",
}


def language_codes(value: str) -> list[str]:
    """The codes of a ``Doctor.languages`` value, in the order written."""
    return [c.strip() for c in value.split(",") if c.strip()]


def validate_language_codes(value: str) -> None:
    """ISO 639-1 codes separated by commas, each one of ``LANGUAGES``."""
    unknown = [c for c in language_codes(value) if c not in LANGUAGES]
    if unknown:
        raise ValidationError(
            _("Ukjent språkkode: %(codes)s. Bruk koder som «en» eller «pl», skilt med komma."),
            code="language_code",
            params={"codes": ", ".join(unknown)},
        )
