import datetime
import logging

import pytest
from django.core.exceptions import ValidationError

from fastlege.core.identity import (
    NinKind,
    check_digits,
    make_synthetic_nin,
    mask_nin,
    parse_nin,
)
from fastlege.core.logging import RedactIdentityNumbers, redact

REAL = "15108695088"  # python-stdnum's documented example of a valid number


def d_number(birth_number: str) -> str:
    first_nine = str(int(birth_number[0]) + 4) + birth_number[1:9]
    digits = check_digits(first_nine)
    assert digits is not None
    return first_nine + digits


def test_valid_birth_number_is_parsed():
    parsed = parse_nin("151086 95088", allow_synthetic=False)
    assert parsed.number == REAL
    assert parsed.kind is NinKind.BIRTH_NUMBER
    assert parsed.birth_date == datetime.date(1986, 10, 15)
    assert parsed.sex == "K"


def test_d_number_is_accepted():
    number = d_number("01019012345"[:9] + "00")
    parsed = parse_nin(number, allow_synthetic=False)
    assert parsed.kind is NinKind.D_NUMBER
    assert parsed.birth_date == datetime.date(1990, 1, 1)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("15108695077", "nin_checksum"),
        ("1510869508", "nin_format"),
        ("1510869508x", "nin_format"),
        ("", "nin_format"),
    ],
)
def test_invalid_numbers_are_refused_with_norwegian_message(value, code):
    with pytest.raises(ValidationError) as exc:
        parse_nin(value, allow_synthetic=False)
    assert exc.value.code == code
    message = " ".join(exc.value.messages)
    assert "Fødselsnummeret" in message
    if value:
        assert value not in message  # the number is never echoed back


def test_impossible_birth_date_is_refused():
    first_nine = "310290123"  # 31 February
    digits = check_digits(first_nine)
    if digits is None:
        first_nine = "310290125"
        digits = check_digits(first_nine)
    assert digits is not None
    with pytest.raises(ValidationError) as exc:
        parse_nin(first_nine + digits, allow_synthetic=False)
    assert exc.value.code == "nin_birth_date"


def first_synthetic(birth: datetime.date, start: int) -> str:
    for individual in range(start, start + 50):
        number = make_synthetic_nin(birth, individual)
        if number:
            return number
    raise AssertionError("no valid synthetic number found")


def test_synthetic_numbers_only_when_the_setting_allows():
    number = first_synthetic(datetime.date(1990, 1, 1), 100)
    assert number[2:4] == "81"
    parsed = parse_nin(number, allow_synthetic=True)
    assert parsed.kind is NinKind.SYNTHETIC
    assert parsed.birth_date == datetime.date(1990, 1, 1)
    with pytest.raises(ValidationError) as exc:
        parse_nin(number, allow_synthetic=False)
    assert exc.value.code == "nin_synthetic_not_allowed"


def test_synthetic_number_with_wrong_check_digits_is_refused():
    number = first_synthetic(datetime.date(2015, 6, 30), 500)
    assert parse_nin(number, allow_synthetic=True).birth_date == datetime.date(2015, 6, 30)
    broken = number[:10] + str((int(number[10]) + 1) % 10)
    with pytest.raises(ValidationError) as exc:
        parse_nin(broken, allow_synthetic=True)
    assert exc.value.code == "nin_checksum"


def test_synthetic_numbers_are_never_valid_real_numbers():
    number = first_synthetic(datetime.date(1975, 12, 24), 200)
    from stdnum.no import fodselsnummer

    assert not fodselsnummer.is_valid(number)


def test_sex_follows_the_individual_number():
    birth = datetime.date(1980, 5, 5)
    even = next(n for i in range(200, 260, 2) if (n := make_synthetic_nin(birth, i)))
    odd = next(n for i in range(201, 261, 2) if (n := make_synthetic_nin(birth, i)))
    assert parse_nin(even, allow_synthetic=True).sex == "K"
    assert parse_nin(odd, allow_synthetic=True).sex == "M"


def test_mask_keeps_only_the_birth_date_part():
    assert mask_nin(REAL) == "151086*****"


def test_identity_numbers_are_redacted_from_logs(caplog):
    logger = logging.getLogger("fastlege.test")
    logger.addFilter(RedactIdentityNumbers())
    with caplog.at_level(logging.INFO, logger="fastlege.test"):
        logger.info("oppslag på %s feilet", REAL)
    assert REAL not in caplog.text
    assert "***********" in caplog.text
    assert redact("liste 12345 og 151086 95088") == "liste 12345 og ***********"
