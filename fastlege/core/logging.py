"""Log filter that removes anything shaped like a national identity number.

A belt-and-braces measure: code must never log identity numbers in the first
place, but if one slips into an exception message it is masked here.
"""

from __future__ import annotations

import logging
import re

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
MASK = "***********"


def redact(text: str) -> str:
    return ELEVEN_DIGITS.sub(MASK, text)


class RedactIdentityNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
