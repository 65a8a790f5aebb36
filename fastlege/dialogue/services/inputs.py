"""Length limits of what anonymous people send (issue 18, finding 11).

The forms declare the same limits; the services check them again because a
service is also called without a form (API, commands, tests), and because the
database enforces no length on a TextField (nor any length on SQLite).
The limits themselves are defined once, in ``fastlege.core.limits``.
"""

from __future__ import annotations

from typing import Any

from fastlege.core.limits import LONG_TEXT, SHORT_TEXT, check_length

#: An e-mail address as the models store it (``EmailField``'s 254).
EMAIL = 254
#: Dietary needs and allergies (``Registration.dietary_needs``).
DIETARY_NEEDS = 300


def check_submission(data: Any) -> None:
    check_length("navn", data.name, SHORT_TEXT)
    check_length("e-post", data.email, EMAIL)
    check_length("organisasjon", data.organisation, SHORT_TEXT)
    check_length("innspill", data.text, LONG_TEXT)


def check_registration(data: Any) -> None:
    check_length("navn", data.name, SHORT_TEXT)
    check_length("e-post", data.email, EMAIL)
    check_length("organisasjon", data.organisation, SHORT_TEXT)
    check_length("matbehov og allergier", data.dietary_needs, DIETARY_NEEDS)
