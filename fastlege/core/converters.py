"""URL converters. ``id``: a database id in a URL, at most 18 digits, so that a longer
number is «not found» (404) instead of overflowing the database's integer (500)."""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


#: The largest id a form accepts (the same 18 digits).
MAX_ID = 10**18 - 1
