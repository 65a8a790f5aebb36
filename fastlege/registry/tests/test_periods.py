"""The one definition of "in force on a day": half-open periods, checked at the edges.

The expected answers are written out by hand from the calendar, not computed:
a period from 1 March to 1 June 2026 covers 1 March to 31 May; one with no end
covers every day from 1 March on.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from fastlege.registry.models import Agreement, ListMembership
from fastlege.registry.periods import (
    IN_FORCE_SQL_PARAMS,
    in_force,
    in_force_on,
    in_force_sql,
    not_ended_by,
    overlaps,
    overlaps_sql,
    periods_overlap,
)
from fastlege.registry.tests.factories import AgreementFactory, MembershipFactory

D = datetime.date
START, END = D(2026, 3, 1), D(2026, 6, 1)

# day → (bounded period [1 March, 1 June) in force?, open period [1 March, —) in force?)
CASES = {
    D(2026, 2, 28): (False, False),  # the day before the start
    D(2026, 3, 1): (True, True),  # the first day
    D(2026, 5, 31): (True, True),  # the last day of the bounded period
    D(2026, 6, 1): (False, True),  # the end day: a period ending on D is not in force on D
    D(2099, 12, 31): (False, True),  # far ahead: only the open period
}


@pytest.mark.parametrize(("day", "expected"), CASES.items())
def test_in_force_in_memory(day, expected):
    assert (in_force(START, END, day), in_force(START, None, day)) == expected


@pytest.fixture
def periods():
    bounded = AgreementFactory.create(valid_from=START, valid_to=END)
    open_ended = AgreementFactory.create(valid_from=START)
    return bounded, open_ended


def _answers(ids: set[int], bounded: Agreement, open_ended: Agreement) -> tuple[bool, bool]:
    return bounded.pk in ids, open_ended.pk in ids


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "expected"), CASES.items())
def test_in_force_on_in_the_database(periods, day, expected):
    ids = set(Agreement.objects.filter(in_force_on(day)).values_list("pk", flat=True))
    assert _answers(ids, *periods) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "expected"), CASES.items())
def test_in_force_on_through_a_relation(periods, day, expected):
    """The prefix puts the condition on the related row: here the place's list, while
    the places themselves are in force every day from 2020."""
    bounded, open_ended = periods
    on_bounded = MembershipFactory.create(agreement=bounded, valid_from=D(2020, 1, 1))
    on_open = MembershipFactory.create(agreement=open_ended, valid_from=D(2020, 1, 1))
    ids = set(
        ListMembership.objects.filter(in_force_on(day, "agreement__")).values_list("pk", flat=True)
    )
    assert (on_bounded.pk in ids, on_open.pk in ids) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "expected"), CASES.items())
def test_in_force_sql_in_the_database(periods, day, expected):
    table = connection.ops.quote_name(Agreement._meta.db_table)
    assert IN_FORCE_SQL_PARAMS == 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id FROM {table} a WHERE {in_force_sql('a')}",  # noqa: S608
            [day] * IN_FORCE_SQL_PARAMS,
        )
        ids = {row[0] for row in cursor.fetchall()}
    assert _answers(ids, *periods) == expected


def test_in_force_sql_text_and_named_placeholder():
    assert in_force_sql("m") == "(m.valid_from <= %s AND (m.valid_to IS NULL OR m.valid_to > %s))"
    assert in_force_sql("p", "%(day)s") == (
        "(p.valid_from <= %(day)s AND (p.valid_to IS NULL OR p.valid_to > %(day)s))"
    )


@pytest.mark.parametrize("alias", ["", "a; DROP TABLE x", "a.b", "1a", "a b"])
def test_in_force_sql_refuses_anything_but_a_plain_alias(alias):
    with pytest.raises(ValueError):
        in_force_sql(alias)


@pytest.mark.parametrize("param", ["", "1", "'2026-01-01'", "%s OR 1=1", "?"])
def test_in_force_sql_refuses_anything_but_a_placeholder(param):
    with pytest.raises(ValueError):
        in_force_sql("a", param)


# [start, end) → (shares a day with the bounded period?, with the open period?)
OVERLAPS = {
    (D(2026, 2, 1), D(2026, 3, 1)): (False, False),  # ends the day the periods begin
    (D(2026, 2, 1), D(2026, 3, 2)): (True, True),  # shares 1 March
    (D(2026, 5, 1), D(2026, 6, 1)): (True, True),  # May
    (D(2026, 5, 31), D(2026, 6, 1)): (True, True),  # the last day only
    (D(2026, 6, 1), D(2026, 7, 1)): (False, True),  # June: the bounded one has ended
    (D(2026, 6, 1), None): (False, True),
    (D(2020, 1, 1), None): (True, True),
    (D(2020, 1, 1), D(2026, 1, 1)): (False, False),  # wholly before
}


@pytest.mark.django_db
@pytest.mark.parametrize(("window", "expected"), OVERLAPS.items())
def test_overlaps(periods, window, expected):
    ids = set(Agreement.objects.filter(overlaps(*window)).values_list("pk", flat=True))
    assert _answers(ids, *periods) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("window", "expected"), [(w, e) for w, e in OVERLAPS.items() if w[1] is not None]
)
def test_overlaps_sql_in_the_database(periods, window, expected):
    table = connection.ops.quote_name(Agreement._meta.db_table)
    condition = overlaps_sql("a", "%(start)s", "%(end)s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id FROM {table} a WHERE {condition}",  # noqa: S608
            {"start": window[0], "end": window[1]},
        )
        ids = {row[0] for row in cursor.fetchall()}
    assert _answers(ids, *periods) == expected


@pytest.mark.parametrize("alias", ["", "a; DROP TABLE x", "a.b"])
def test_overlaps_sql_refuses_anything_but_a_plain_alias(alias):
    with pytest.raises(ValueError):
        overlaps_sql(alias, "%(a)s", "%(b)s")


def test_overlaps_sql_refuses_anything_but_placeholders():
    with pytest.raises(ValueError):
        overlaps_sql("a", "%(a)s", "'2026-01-01'")


@pytest.mark.parametrize(("window", "expected"), OVERLAPS.items())
def test_periods_overlap_in_memory_answers_as_the_database(window, expected):
    start, end = window
    answers = (periods_overlap(START, END, start, end), periods_overlap(START, None, start, end))
    assert answers == expected
    # the relation is symmetric
    assert periods_overlap(start, end, START, END) == expected[0]


# day → (bounded period not ended by the day?, open period not ended?)
NOT_ENDED = {
    D(2026, 1, 1): (True, True),  # before the start: not ended (begins later)
    D(2026, 5, 31): (True, True),
    D(2026, 6, 1): (False, True),  # the end day: ended
    D(2030, 1, 1): (False, True),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "expected"), NOT_ENDED.items())
def test_not_ended_by(periods, day, expected):
    ids = set(Agreement.objects.filter(not_ended_by(day)).values_list("pk", flat=True))
    assert _answers(ids, *periods) == expected
