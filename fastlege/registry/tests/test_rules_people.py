"""Rules about people: a child follows a parent (§ 5), Sami speakers first on a Sami GP's
waiting list (fastlegeforskriften § 36), D-numbers (placed by hand)."""

from __future__ import annotations

import datetime

import pytest

from fastlege.core.identity import NinKind, check_digits, is_d_number, parse_nin
from fastlege.registry import rules
from fastlege.registry.rules import Address, Parent

D = datetime.date
ON = D(2026, 3, 1)

HOME = Address(household=7, postal_code="7010", municipality="5001")
OTHER = Address(household=8, postal_code="7020", municipality="5001")


def test_every_new_parameter_names_its_basis_and_the_unverified_ones_say_why():
    for name in (
        "child_same_address_basis",
        "child_with_parent_despite_opt_out",
        "sami_speakers_first_on_waiting_list",
        "d_number_placed_by_hand",
    ):
        p = rules.rule(name, ON)
        assert p.legal_basis and (p.verified or p.note)
    assert "§ 36" in rules.rule("sami_speakers_first_on_waiting_list", ON).legal_basis
    assert not rules.rule("sami_speakers_first_on_waiting_list", ON).verified
    assert "§ 5" in rules.rule("child_same_address_basis", ON).legal_basis


def test_parents_living_together_with_the_child_the_mothers_list():
    mother, father = Parent(HOME, 101), Parent(HOME, 202)
    assert rules.child_follows_parent(5, HOME, mother, father, ON) == 101


def test_parents_apart_the_list_of_the_parent_at_the_childs_address():
    mother, father = Parent(OTHER, 101), Parent(HOME, 202)
    assert rules.child_follows_parent(5, HOME, mother, father, ON) == 202
    assert rules.child_follows_parent(5, OTHER, mother, father, ON) == 101


def test_a_parent_without_a_usable_list_leaves_the_other_parent_at_home_or_nobody():
    assert rules.child_follows_parent(5, HOME, Parent(HOME, None), Parent(HOME, 202), ON) == 202
    # The parent at the child's address has no list: the other one (elsewhere) is not used.
    assert rules.child_follows_parent(5, HOME, Parent(OTHER, 101), Parent(HOME, None), ON) is None
    assert rules.child_follows_parent(5, HOME, None, None, ON) is None


def test_from_16_the_child_decides_and_is_placed_the_normal_way():
    mother = Parent(HOME, 101)
    assert rules.child_follows_parent(15, HOME, mother, None, ON) == 101
    assert rules.child_follows_parent(16, HOME, mother, None, ON) is None


def test_same_address_is_the_household_else_postal_code_and_municipality_else_unknown():
    no_household = Address(None, "7010", "5001")
    assert rules.same_address(HOME, HOME, ON)
    assert not rules.same_address(HOME, OTHER, ON)
    # Household numbers decide when both have one, even with the same postal code.
    assert not rules.same_address(HOME, Address(9, "7010", "5001"), ON)
    assert rules.same_address(no_household, HOME, ON)
    assert not rules.same_address(no_household, Address(None, "7010", "5025"), ON)
    assert not rules.same_address(Address(None, None, "5001"), Address(None, None, "5001"), ON)


def test_sami_speakers_first_each_group_in_order_of_joining_only_where_36_applies():
    joined = [(1, False), (2, True), (3, False), (4, True)]
    assert rules.waiting_queue_order(joined, sami_priority=True) == [2, 4, 1, 3]
    assert rules.waiting_queue_order(joined, sami_priority=False) == [1, 2, 3, 4]
    assert rules.sami_priority_applies(True, True, ON)
    assert not rules.sami_priority_applies(True, False, ON)
    assert not rules.sami_priority_applies(False, True, ON)


def _real_number(day: int, month: int, year2: int, individual: int) -> str:
    first_nine = f"{day:02d}{month:02d}{year2:02d}{individual:03d}"
    digits = check_digits(first_nine)
    assert digits is not None
    return first_nine + digits


def test_a_d_number_has_its_first_digit_raised_by_four():
    individual = next(i for i in range(100, 200) if check_digits(f"410190{i:03d}"))
    d_number = _real_number(41, 1, 90, individual)
    parsed = parse_nin(d_number, allow_synthetic=False)
    assert parsed.kind == NinKind.D_NUMBER and parsed.birth_date == D(1990, 1, 1)
    assert is_d_number(d_number)
    individual = next(i for i in range(100, 200) if check_digits(f"010190{i:03d}"))
    assert not is_d_number(_real_number(1, 1, 90, individual))
    assert not is_d_number("4101")  # not a number at all


@pytest.mark.parametrize("d_number", [True, False])
def test_synthetic_d_numbers_are_d_numbers(d_number):
    from fastlege.registry.tests.factories import synthetic_nin

    nin = synthetic_nin(D(1990, 1, 1), d_number=d_number)
    assert is_d_number(nin) is d_number
    assert parse_nin(nin, allow_synthetic=True).birth_date == D(1990, 1, 1)
