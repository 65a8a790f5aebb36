"""Norwegian identity numbers: fødselsnummer, D-nummer and synthetic test numbers.

Real numbers are validated with python-stdnum (``stdnum.no.fodselsnummer``),
which checks the two mod-11 check digits and the birth date, and accepts
D-numbers (day + 40).

Synthetic test persons follow Skatteetaten's Tenor convention: the month is
written with 80 added (``01 81 90 ...`` is a person born 1 January 1990).  Such a
number can never belong to a real person.  They are accepted only when the
setting ``ALLOW_SYNTHETIC_NIN`` is on (demo, test and training installations).

Identity numbers are personal data: they never appear in logs, URLs or
exception messages.  Error messages here say what is wrong without repeating
the number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer

SYNTHETIC_MONTH_OFFSET = 80
D_NUMBER_DAY_OFFSET = 40


class NinKind(StrEnum):
    BIRTH_NUMBER = "fnr"
    D_NUMBER = "dnr"
    H_NUMBER = "hnr"
    SYNTHETIC = "syntetisk"


@dataclass(frozen=True)
class ParsedNin:
    number: str
    kind: NinKind
    birth_date: datetime.date
    sex: str  # "M" or "K"


def check_digits(first_nine: str) -> str | None:
    """The two mod-11 check digits of a Norwegian identity number.

    None when a check digit would be 10: such a number is never issued.
    """
    k1 = fodselsnummer.calc_check_digit1(first_nine)
    if len(k1) != 1:
        return None
    k2 = fodselsnummer.calc_check_digit2(first_nine + k1)
    if len(k2) != 1:
        return None
    return k1 + k2


def _century(year2: int, individual: int) -> int | None:
    # Skatteetaten's allocation of individual numbers to centuries.
    if individual <= 499:
        return 1900
    if individual >= 900 and year2 >= 40:
        return 1900
    if individual >= 500 and year2 <= 39:
        return 2000
    if 500 <= individual <= 749 and year2 >= 54:
        return 1800
    return None


def _synthetic_birth_date(number: str) -> datetime.date:
    day = int(number[0:2])
    month = int(number[2:4]) - SYNTHETIC_MONTH_OFFSET
    if day > D_NUMBER_DAY_OFFSET:
        day -= D_NUMBER_DAY_OFFSET
    year2 = int(number[4:6])
    century = _century(year2, int(number[6:9]))
    if century is None:
        raise ValueError("individual number outside every century range")
    return datetime.date(century + year2, month, day)


def parse_nin(value: str, *, allow_synthetic: bool | None = None) -> ParsedNin:
    """Validate and parse an identity number, or raise a Norwegian ValidationError."""
    if allow_synthetic is None:
        allow_synthetic = bool(getattr(settings, "ALLOW_SYNTHETIC_NIN", False))
    number = "".join(ch for ch in str(value) if not ch.isspace())
    if len(number) != 11 or not number.isdigit():
        raise ValidationError(_("Fødselsnummeret må ha 11 siffer."), code="nin_format")
    sex = "K" if int(number[8]) % 2 == 0 else "M"
    month = int(number[2:4])
    if month > SYNTHETIC_MONTH_OFFSET:
        if not allow_synthetic:
            raise ValidationError(
                _("Syntetiske testnumre er ikke tillatt i denne installasjonen."),
                code="nin_synthetic_not_allowed",
            )
        if check_digits(number[:9]) != number[9:]:
            raise ValidationError(
                _("Fødselsnummeret har feil kontrollsiffer."), code="nin_checksum"
            )
        try:
            birth = _synthetic_birth_date(number)
        except ValueError:
            raise ValidationError(
                _("Fødselsnummeret inneholder ikke en gyldig fødselsdato."),
                code="nin_birth_date",
            ) from None
        return ParsedNin(number, NinKind.SYNTHETIC, birth, sex)
    try:
        fodselsnummer.validate(number)
    except StdnumError as exc:
        code = "nin_checksum" if "checksum" in str(exc).lower() else "nin_birth_date"
        message = (
            _("Fødselsnummeret har feil kontrollsiffer.")
            if code == "nin_checksum"
            else _("Fødselsnummeret inneholder ikke en gyldig fødselsdato.")
        )
        raise ValidationError(message, code=code) from None
    if is_d_number(number):
        kind = NinKind.D_NUMBER
    elif month > 40:
        kind = NinKind.H_NUMBER
    else:
        kind = NinKind.BIRTH_NUMBER
    return ParsedNin(number, kind, fodselsnummer.get_birth_date(number), sex)


def is_d_number(value: str) -> bool:
    """A D-nummer (issued to people not registered as resident, e.g. asylum seekers):
    the first digit is raised by 4 (day + 40). Also true for a synthetic (Tenor)
    D-number. Assumes a valid 11-digit number; anything else is not a D-number."""
    number = "".join(ch for ch in str(value) if not ch.isspace())
    return len(number) == 11 and number.isdigit() and int(number[0]) >= 4


def validate_nin(value: str) -> None:
    """Django field validator."""
    parse_nin(value)


def make_synthetic_nin(
    birth_date: datetime.date, individual: int, *, d_number: bool = False
) -> str | None:
    """A synthetic (Tenor, month + 80) number, or None if the check digits fail.

    ``individual`` is the three-digit individual number; its parity gives the
    sex (even = female) and its range must fit the century of ``birth_date``.
    ``d_number``: a synthetic D-number (day + 40).
    """
    day = birth_date.day + (D_NUMBER_DAY_OFFSET if d_number else 0)
    first_nine = (
        f"{day:02d}{birth_date.month + SYNTHETIC_MONTH_OFFSET:02d}"
        f"{birth_date.year % 100:02d}{individual:03d}"
    )
    digits = check_digits(first_nine)
    return None if digits is None else first_nine + digits


def mask_nin(number: str) -> str:
    """The birth-date part only, for screens that must show which person is meant."""
    return number[:6] + "*****" if len(number) == 11 else "***********"
