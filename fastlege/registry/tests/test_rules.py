"""The rules of the regulation as pure functions, with their parameters by date."""

from __future__ import annotations

import datetime

import pytest

from fastlege.registry import rules

D = datetime.date


def test_every_parameter_names_its_legal_basis_and_unverified_ones_say_why():
    assert [p.name for p in rules.PARAMETERS if not p.legal_basis] == []
    unverified = [p for p in rules.PARAMETERS if not p.verified]
    assert unverified, "domain.md marks some rules unverified: they must be among the parameters"
    assert [p.name for p in unverified if not p.note] == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_list_ceiling", 2500),
        ("min_ceiling_without_approval", 500),
        ("ordinary_switches_per_year", 2),
        ("reduction_notice_months", 6),
        ("child_age_self_decides", 16),
        ("child_age_with_consent", 12),
        ("closed_list_child_age_limit", 16),
        ("household_child_age_limit", 16),
        ("returnee_max_years", 3),
        ("agreement_notice_months", 6),
    ],
)
def test_parameters_in_force_now(name, value):
    assert rules.param(name, D(2026, 6, 1)) == value


def test_parameters_change_by_date_not_by_code():
    assert rules.param("agreement_extension_age_cap", D(2025, 12, 31)) == 75
    assert rules.param("agreement_extension_age_cap", D(2026, 1, 1)) == 80
    assert rules.rule("max_list_ceiling", D(2026, 1, 1)).legal_basis == "fastlegeforskriften § 10"
    assert rules.rule("max_list_ceiling", D(2020, 1, 1)).legal_basis.endswith("§ 34")
    with pytest.raises(KeyError):
        rules.param("max_list_ceiling", D(2000, 1, 1))


def test_waiting_list_order_and_quota_year_are_marked_unverified():
    assert not rules.rule("waiting_list_order", D(2026, 1, 1)).verified
    assert not rules.rule("switch_quota_year_basis", D(2026, 1, 1)).verified


@pytest.mark.parametrize(
    ("registered", "effective"),
    [
        (D(2026, 3, 1), D(2026, 4, 1)),
        (D(2026, 3, 31), D(2026, 4, 1)),
        (D(2026, 12, 15), D(2027, 1, 1)),
    ],
)
def test_a_switch_takes_effect_on_the_first_of_next_month(registered, effective):
    assert rules.switch_effective_on(registered) == effective


def test_add_months_clamps_to_month_end():
    assert rules.add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert rules.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert rules.add_months(D(2026, 3, 10), -3) == D(2025, 12, 10)


def test_reduction_notice():
    assert rules.reduction_notice_ok(D(2026, 3, 10), D(2026, 10, 1), False)
    assert not rules.reduction_notice_ok(D(2026, 3, 10), D(2026, 9, 1), False)
    assert rules.reduction_notice_ok(D(2026, 3, 10), D(2026, 9, 1), True)
    assert rules.reduction_notice_ok(D(2026, 3, 10), D(2026, 9, 10), False)


def test_child_switch_rules():
    on = D(2026, 1, 1)
    assert rules.child_switch_refusal(10, by_parent=True, parental_consent=False, on=on) is None
    assert rules.child_switch_refusal(16, by_parent=True, parental_consent=True, on=on) == (
        "child_decides_self"
    )
    assert rules.child_switch_refusal(11, by_parent=False, parental_consent=True, on=on) == (
        "child_too_young"
    )
    assert rules.child_switch_refusal(12, by_parent=False, parental_consent=False, on=on) == (
        "parental_consent_required"
    )
    assert rules.child_switch_refusal(12, by_parent=False, parental_consent=True, on=on) is None
    assert rules.child_switch_refusal(16, by_parent=False, parental_consent=False, on=on) is None


def test_returnee_limit_is_three_years():
    assert rules.returnee_may_rejoin(D(2023, 3, 10), D(2026, 3, 10))
    assert not rules.returnee_may_rejoin(D(2023, 3, 9), D(2026, 3, 10))


def test_ceiling_limits():
    assert rules.ceiling_in_range(2500) and not rules.ceiling_in_range(2501)
    assert rules.ceiling_needs_approval(499) and not rules.ceiling_needs_approval(500)


def test_concurrent_percentage():
    p: list[rules.Period] = [
        (D(2026, 1, 1), D(2026, 3, 1), 60),
        (D(2026, 3, 1), D(2026, 4, 1), 60),
    ]
    assert rules.max_concurrent_percentage(p) == 60  # touching half-open periods
    p.append((D(2026, 2, 1), None, 50))
    assert rules.max_concurrent_percentage(p) == 110


def member(i: int, household: int | None, born: D, parents: tuple[int | None, ...] = ()):
    return rules.Member(i, household, born, parents)


def test_household_units():
    on = D(2026, 10, 1)
    members = [
        member(1, 7, D(1980, 1, 1)),
        member(2, 7, D(1982, 1, 1)),
        member(3, 7, D(2014, 1, 1), (7,)),  # child under 16: with the family
        member(4, 7, D(2009, 1, 1), (7,)),  # child of 17: on their own
        member(5, None, D(1950, 1, 1)),
        member(6, 8, D(1990, 1, 1)),
    ]
    assert rules.household_units(members, on) == [[1, 2, 3], [4], [5], [6]]


def test_the_draw_is_deterministic_and_keeps_units_whole():
    units = [[i, i + 1, i + 2] if i % 10 == 0 else [i] for i in range(1, 200)]
    plan = [(101, 15), (102, 10)]
    a = rules.draw_reduction(units, plan, seed=12345)
    b = rules.draw_reduction(units, plan, seed=12345)
    c = rules.draw_reduction(units, plan, seed=54321)
    assert a == b and a != c
    assert a.drawn == 25
    for _n, unit, _t in a.assignments:
        assert list(unit) in units
    per_target = {t: sum(len(u) for _n, u, tt in a.assignments if tt == t) for t, _ in plan}
    assert per_target == {101: 15, 102: 10}


def test_the_draw_respects_allowed_pairs():
    units = [[1], [2], [3], [4]]
    result = rules.draw_reduction(units, [(9, 4)], seed=1, allowed=lambda u, t: 3 not in u)
    assert sorted(u[0] for _n, u, _t in result.assignments) == [1, 2, 4]


# --- The age limit and the competence requirement --------------------------------

BORN = D(1956, 6, 15)  # turns 70 on 15.06.2026, 75 on 15.06.2031, 80 on 15.06.2036


def test_the_agreement_ends_on_the_first_of_the_month_after_the_70th_birthday():
    assert rules.param("agreement_end_age", D(2026, 6, 1)) == 70
    assert rules.agreement_age_end_on(BORN) == D(2026, 7, 1)
    assert rules.may_hold_agreement(BORN, D(2026, 6, 14))  # the day before the birthday
    assert rules.may_hold_agreement(BORN, D(2026, 6, 16))  # the day after: to the month's end
    assert rules.may_hold_agreement(BORN, D(2026, 6, 30))
    assert not rules.may_hold_agreement(BORN, D(2026, 7, 1))


def test_a_birthday_on_the_first_and_on_29_february():
    assert rules.agreement_age_end_on(D(1956, 7, 1)) == D(2026, 8, 1)
    assert rules.agreement_age_end_on(D(1956, 6, 30)) == D(2026, 7, 1)
    assert rules.agreement_age_end_on(D(1956, 2, 29)) == D(2026, 3, 1)


def test_an_extension_moves_the_end_but_never_earlier_than_70():
    assert rules.agreement_ends_for_age_on(BORN, D(2028, 1, 1)) == D(2028, 1, 1)
    assert rules.agreement_ends_for_age_on(BORN, D(2026, 3, 1)) == D(2026, 7, 1)
    assert rules.may_hold_agreement(BORN, D(2027, 12, 31), D(2028, 1, 1))
    assert not rules.may_hold_agreement(BORN, D(2028, 1, 1), D(2028, 1, 1))


def test_the_extension_cap_is_80_from_2026_and_75_before():
    # 80th birthday 15.06.2036 -> the 1st after it; 75th birthday 15.06.2031 likewise.
    assert rules.latest_extension_end(BORN, D(2026, 1, 1)) == D(2036, 7, 1)
    assert rules.latest_extension_end(BORN, D(2025, 12, 31)) == D(2031, 7, 1)


def test_the_age_end_day_is_a_documented_unverified_choice():
    choice = rules.rule("agreement_age_end_day", D(2026, 6, 1))
    assert choice.value == "first_of_month_after_birthday"
    assert not choice.verified and "1. i måneden" in choice.note


@pytest.mark.parametrize(
    ("fields", "on", "ok"),
    [
        ({"specialist": True}, D(2026, 4, 1), True),
        ({}, D(2026, 4, 1), False),
        ({}, D(2017, 2, 28), True),  # before the requirement
        ({}, D(2017, 3, 1), False),
        ({"alis_from": D(2026, 4, 1), "alis_to": D(2031, 4, 1)}, D(2026, 4, 1), True),
        ({"alis_from": D(2026, 4, 2), "alis_to": D(2031, 4, 1)}, D(2026, 4, 1), False),
        ({"alis_from": D(2021, 4, 1), "alis_to": D(2026, 4, 1)}, D(2026, 4, 1), False),
        ({"alis_from": D(2021, 4, 1), "alis_to": None}, D(2026, 4, 1), True),
        ({"exemption": True}, D(2026, 4, 1), True),
        ({"exemption": True, "exemption_until": D(2026, 4, 2)}, D(2026, 4, 1), True),
        ({"exemption": True, "exemption_until": D(2026, 4, 1)}, D(2026, 4, 1), False),
    ],
)
def test_competence_requirement(fields, on, ok):
    args = {
        "specialist": False,
        "alis_from": None,
        "alis_to": None,
        "exemption": False,
        "exemption_until": None,
        **fields,
    }
    assert rules.meets_competence_requirement(on, **args) is ok
