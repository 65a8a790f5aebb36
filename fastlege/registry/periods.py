"""When a period is in force: the one definition every path uses.

Agreements, doctor periods (LPFL, LPVI) and list memberships each carry a
period ``[valid_from, valid_to)``, **half-open**: ``valid_from`` is the first
day in force, ``valid_to`` the first day *no longer* in force, and an empty
``valid_to`` means open-ended. So a period is in force on ``day`` when::

    valid_from <= day AND (valid_to IS NULL OR valid_to > day)

Why half-open: a change takes effect on a day, and the old period ends on that
same day. When a resident switches list on 1 March, the old place gets
``valid_to = 1 March`` and the new one ``valid_from = 1 March``; a period
ending on D is not in force on D, so on every day exactly one place is in
force — nobody is counted twice on the 1st, nobody falls between two lists,
and the length of a period is ``valid_to - valid_from`` days.

Every query, page, export, statistic and the monthly update asks "in force on
a day?" through this module, never by writing the condition out:

* :func:`in_force_on` — the ORM condition (``prefix`` for a related period,
  e.g. ``in_force_on(day, "agreement__")``);
* :func:`overlaps` — the period shares at least one day with ``[start, end)``;
* :func:`not_ended_by` — the period has not ended by ``day`` (in force on
  ``day`` or starting later): the right half of :func:`in_force_on`;
* :func:`in_force_sql` — the same condition as a fragment of hand-written SQL;
* :func:`overlaps_sql` — :func:`overlaps` as a fragment of hand-written SQL;
* :func:`in_force` — the same condition for values in memory;
* :func:`periods_overlap` — :func:`overlaps` for two periods in memory.

A ``prefix`` that crosses a multi-valued relation (e.g. ``"memberships__"``)
must go into a single ``filter()`` call, so that both halves of the condition
apply to the same related row.
"""

from __future__ import annotations

import datetime
import re

from django.db.models import Q

#: Number of positional parameters :func:`in_force_sql` takes with the default
#: ``%s`` placeholder: the day, twice.
IN_FORCE_SQL_PARAMS = 2

_ALIAS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER = re.compile(r"%s|%\([A-Za-z_][A-Za-z0-9_]*\)s")


def in_force(valid_from: datetime.date, valid_to: datetime.date | None, day: datetime.date) -> bool:
    """Whether the half-open period ``[valid_from, valid_to)`` is in force on ``day``
    (``valid_to`` None: open-ended). A period ending on ``day`` is not."""
    return valid_from <= day and (valid_to is None or valid_to > day)


def periods_overlap(
    a_from: datetime.date,
    a_to: datetime.date | None,
    b_from: datetime.date,
    b_to: datetime.date | None,
) -> bool:
    """Whether two half-open periods share at least one day (an empty end: open-ended);
    :func:`overlaps` for values in memory."""
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def not_ended_by(day: datetime.date, prefix: str = "") -> Q:
    """The period has not ended by ``day``: open-ended, or ``valid_to`` after ``day``.

    It is in force on ``day`` if it has begun, or begins later; it says nothing
    about the start (use :func:`in_force_on` for "in force on the day").
    """
    return Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})


def in_force_on(day: datetime.date, prefix: str = "") -> Q:
    """The period (``{prefix}valid_from``, ``{prefix}valid_to``) is in force on ``day``:
    ``valid_from <= day AND (valid_to IS NULL OR valid_to > day)``."""
    return Q(**{f"{prefix}valid_from__lte": day}) & not_ended_by(day, prefix)


def overlaps(start: datetime.date, end: datetime.date | None, prefix: str = "") -> Q:
    """The period shares at least one day with the half-open ``[start, end)``
    (``end`` None: open-ended), for ``start < end``: it has not ended by ``start`` and
    begins before ``end``. E.g. a month: ``overlaps(first, first_of_next_month)``."""
    cond = not_ended_by(start, prefix)
    if end is not None:
        cond &= Q(**{f"{prefix}valid_from__lt": end})
    return cond


def in_force_sql(alias: str, param: str = "%s") -> str:
    """The in-force condition for hand-written SQL on the table aliased ``alias``:
    ``({alias}.valid_from <= %s AND ({alias}.valid_to IS NULL OR {alias}.valid_to > %s))``.

    With the default ``%s`` it takes :data:`IN_FORCE_SQL_PARAMS` (2) positional
    parameters, both the day; with a named placeholder such as ``%(day)s`` it takes
    the one named parameter. ``alias`` must be a constant of the code (a plain SQL
    identifier, checked), never user input; the day always goes in as a parameter.
    """
    if not _ALIAS.fullmatch(alias):
        raise ValueError(f"not a plain SQL alias: {alias!r}")
    if not _PLACEHOLDER.fullmatch(param):
        raise ValueError(f"not a query placeholder: {param!r}")
    return (
        f"({alias}.valid_from <= {param} AND "
        f"({alias}.valid_to IS NULL OR {alias}.valid_to > {param}))"
    )


def overlaps_sql(alias: str, start: str, end: str) -> str:
    """:func:`overlaps` for hand-written SQL on the table aliased ``alias``: the period
    shares at least one day with ``[start, end)``, both given as named placeholders
    (e.g. ``%(start)s``). ``alias`` must be a constant of the code, as for
    :func:`in_force_sql`."""
    if not _ALIAS.fullmatch(alias):
        raise ValueError(f"not a plain SQL alias: {alias!r}")
    for param in (start, end):
        if not _PLACEHOLDER.fullmatch(param):
            raise ValueError(f"not a query placeholder: {param!r}")
    return (
        f"(({alias}.valid_to IS NULL OR {alias}.valid_to > {start}) AND {alias}.valid_from < {end})"
    )


__all__ = [
    "IN_FORCE_SQL_PARAMS",
    "in_force",
    "in_force_on",
    "in_force_sql",
    "not_ended_by",
    "overlaps",
    "overlaps_sql",
    "periods_overlap",
]
