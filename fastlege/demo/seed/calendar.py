"""Date helpers for the generator: month arithmetic and cached ISO strings.

Rows are written as ISO date strings ('2025-12-01'), which both SQLite (as
Django stores dates) and PostgreSQL's COPY accept, so the hot loop never
formats a date twice.
"""

from __future__ import annotations

import datetime

# The scheme started on 1 June 2001; lists that old were migrated from the
# municipalities' earlier records.
SCHEME_START = datetime.date(2001, 6, 1)


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_first(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


SCHEME_START_MONTH = month_index(SCHEME_START)
SCHEME_START_ORDINAL = SCHEME_START.toordinal()


class Calendar:
    """The registry state date plus caches of ISO strings by month and by day."""

    def __init__(self, state_date: datetime.date) -> None:
        self.state_date = state_date
        self.state_ordinal = state_date.toordinal()
        # Memberships and periods start on the 1st of a month (changes take effect
        # then; a newborn's place on its birth date); the latest allowed start is the
        # last 1st on or before the state date, so nothing starts after it.
        self.state_month = month_index(state_date)
        self._month_iso: dict[int, str] = {}
        self._day: dict[int, tuple[datetime.date, str, int]] = {}
        self._age_ranges: list[tuple[int, int]] = []
        for age in range(0, 111):
            self._age_ranges.append(self._birth_range(age))

    def month_iso(self, index: int) -> str:
        iso = self._month_iso.get(index)
        if iso is None:
            iso = self._month_iso[index] = month_first(index).isoformat()
        return iso

    def day(self, ordinal: int) -> tuple[datetime.date, str, int]:
        """(date, ISO string, month index) for a day ordinal, cached."""
        hit = self._day.get(ordinal)
        if hit is None:
            d = datetime.date.fromordinal(ordinal)
            hit = self._day[ordinal] = (d, d.isoformat(), d.year * 12 + d.month - 1)
        return hit

    def _birth_range(self, age: int) -> tuple[int, int]:
        """Ordinals (first, last) of the birth dates giving exactly ``age`` on the state date."""
        d = self.state_date

        def years_back(n: int) -> datetime.date:
            try:
                return d.replace(year=d.year - n)
            except ValueError:  # 29 February
                return d.replace(year=d.year - n, day=28)

        last = years_back(age).toordinal()
        if age == 0:
            last = d.toordinal() - 1
        first = years_back(age + 1).toordinal() + 1
        return first, last

    def birth_range(self, age: int) -> tuple[int, int]:
        return self._age_ranges[age]
