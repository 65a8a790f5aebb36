"""The vacancy early warning: each signal against hand-built registry states, the
horizons' boundaries, and who may see which area.

The day asked about is 1 March 2026, so the horizons end on 1 September 2026
(6 months), 1 March 2027 (12) and 1 March 2028 (24), inclusive. Expected dates are
worked out by hand below from § 12 (the agreement ends at 70, on the 1st of the
month after the birthday, or when an extension runs out).
"""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.reference.models import County, Municipality
from fastlege.registry.models import Absence, Agreement, AgreementExtension, DoctorPeriod
from fastlege.registry.tests.factories import (
    AgreementFactory,
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
    add_members,
    user_with,
)
from fastlege.workforce import early_warning as ew
from fastlege.workforce.early_warning import Reason

D = datetime.date
DAY = D(2026, 3, 1)
SUB = DoctorPeriod.Role.SUBSTITUTE


def a_list(muni: str = "5001", *, members: int = 0, valid_to: D | None = None) -> Agreement:
    agreement = AgreementFactory.create(
        practice=PracticeFactory.create(municipality_id=muni), valid_to=valid_to
    )
    add_members(agreement, members)
    return agreement


YOUNG = D(1975, 5, 5)


def with_gp(agreement: Agreement, born: D = YOUNG, **period: object) -> DoctorPeriod:
    return DoctorPeriodFactory.create(
        agreement=agreement, doctor=DoctorFactory.create(birth_date=born), **period
    )


def substitute(agreement: Agreement, valid_from: D, valid_to: D | None = None) -> DoctorPeriod:
    return DoctorPeriodFactory.create(
        agreement=agreement, role=SUB, valid_from=valid_from, valid_to=valid_to
    )


def away(period: DoctorPeriod, since: D, reason: str) -> None:
    Absence.objects.create(
        agreement=period.agreement, doctor=period.doctor, valid_from=since, reason=reason
    )


def extend(period: DoctorPeriod, until: D) -> None:
    AgreementExtension.objects.create(
        agreement=period.agreement,
        doctor=period.doctor,
        decided_on=D(2026, 1, 5),
        valid_until=until,
        reason="Kommunen finner ikke ny lege.",
    )


@pytest.fixture
def national(db):
    return user_with(Role.NATIONAL)


@pytest.fixture
def registry(db):
    """One list per case in Trondheim (5001), one in Steinkjer (5006, same county),
    one in Oslo (0301)."""
    L = {}
    # (a) 70 on 10.07.2026 -> ends 01.08.2026, five months ahead: 6 months.
    L["five_months"] = a_list(members=3)
    with_gp(L["five_months"], D(1956, 7, 10))
    # (a) 70 on 15.08.2026 -> ends 01.09.2026, exactly 6 months ahead: still 6 months.
    L["exactly_six"] = a_list(members=4)
    with_gp(L["exactly_six"], D(1956, 8, 15))
    # (a) 70 on 01.09.2026 -> ends 01.10.2026: 12 months, not 6.
    L["seven_months"] = a_list(members=5)
    with_gp(L["seven_months"], D(1956, 9, 1))
    # (a) extended until 72 (01.02.2029), beyond 24 months: not listed at all,
    # although 70 (10.01.2027) falls within 12 months.
    L["extended_to_72"] = a_list(members=50)
    extend(with_gp(L["extended_to_72"], D(1957, 1, 10)), D(2029, 2, 1))
    # (a) 70 on 05.05.2026, extended until 01.06.2027: the extension ends, 24 months.
    L["extension_ends"] = a_list(members=6)
    extend(with_gp(L["extension_ends"], D(1956, 5, 5)), D(2027, 6, 1))
    # (b) notice given 15.02.2026, the GP leaves 01.12.2026: 12 months.
    L["notice"] = a_list(members=7)
    with_gp(
        L["notice"],
        valid_to=D(2026, 12, 1),
        notice_given_on=D(2026, 2, 15),
        end_reason=DoctorPeriod.EndReason.RESIGNED,
    )
    # (b) the GP leaves 01.06.2026 but a successor takes over that day: no signal.
    L["taken_over"] = a_list(members=40)
    with_gp(L["taken_over"], valid_to=D(2026, 6, 1), notice_given_on=D(2025, 12, 1))
    with_gp(L["taken_over"], valid_from=D(2026, 6, 1))
    # (c) the agreement ends 01.01.2027: 12 months.
    L["list_ends"] = a_list(members=1, valid_to=D(2027, 1, 1))
    with_gp(L["list_ends"], valid_to=D(2027, 1, 1), end_reason=DoctorPeriod.EndReason.OTHER)
    # (d) no regular GP since 01.06.2025 (9 months), a substitute since: 6 months.
    L["substitute_long"] = a_list(members=2)
    with_gp(L["substitute_long"], valid_to=D(2025, 6, 1))
    substitute(L["substitute_long"], D(2025, 6, 1), D(2026, 9, 1))
    # (d) no regular GP since 01.09.2025, exactly 6 months: not more than 6, no signal.
    L["substitute_six"] = a_list(members=30)
    with_gp(L["substitute_six"], valid_to=D(2025, 9, 1))
    substitute(L["substitute_six"], D(2025, 9, 1))
    # (d) as substitute_long, but a new GP is registered from 01.05.2026: filled.
    L["substitute_filled"] = a_list(members=25)
    with_gp(L["substitute_filled"], valid_to=D(2025, 6, 1))
    substitute(L["substitute_filled"], D(2025, 6, 1), D(2026, 5, 1))
    with_gp(L["substitute_filled"], valid_from=D(2026, 5, 1))
    # (d2) the GP on sick leave since 01.06.2025 (9 months), a substitute on: 6 months.
    L["away_long"] = a_list(members=11)
    away(with_gp(L["away_long"]), D(2025, 6, 1), Absence.Reason.SICK)
    substitute(L["away_long"], D(2025, 6, 1))
    # (d2) the same on parental leave: planned, with a return; no signal.
    L["away_parental"] = a_list(members=12)
    away(with_gp(L["away_parental"]), D(2025, 6, 1), Absence.Reason.PARENTAL)
    substitute(L["away_parental"], D(2025, 6, 1))
    # (d2) sick since 01.10.2025 (5 months): not long; no signal.
    L["away_short"] = a_list(members=13)
    away(with_gp(L["away_short"]), D(2025, 10, 1), Absence.Reason.SICK)
    substitute(L["away_short"], D(2025, 10, 1))
    # Without a regular GP for long but with no substitute: vacant, not a warning here.
    L["vacant"] = a_list(members=20)
    with_gp(L["vacant"], valid_to=D(2024, 1, 1))
    # A young GP with no end: nothing.
    L["fine"] = a_list(members=100)
    with_gp(L["fine"])
    # Elsewhere in the county, and in another county.
    L["steinkjer"] = a_list("5006", members=8)
    with_gp(L["steinkjer"], D(1956, 6, 20))  # ends 01.07.2026: 6 months
    L["oslo"] = a_list("0301", members=9)
    with_gp(L["oslo"], D(1956, 6, 20))
    return L


def trondheim() -> Municipality:
    return Municipality.objects.get(number="5001")


def ids(rows: list[ew.ListRisk]) -> set[int]:
    return {r.agreement.pk for r in rows}


# --- Each signal, and the horizons' boundaries -------------------------------------


def test_horizons_of_a_municipality(registry, national):
    L = registry
    w = ew.early_warning(national, trondheim(), DAY)
    by_months = {h.months: h for h in w.horizons}
    six = {L[k].pk for k in ("five_months", "exactly_six", "substitute_long", "away_long")}
    twelve = six | {L[k].pk for k in ("seven_months", "notice", "list_ends")}
    twenty_four = twelve | {L["extension_ends"].pk}
    assert ids(by_months[6].rows) == six
    assert ids(by_months[12].rows) == twelve
    assert ids(by_months[24].rows) == twenty_four
    # Residents affected: the lists' lengths, each list once (3+4+2+11; +5+7+1; +6).
    assert [h.residents for h in w.horizons] == [20, 33, 39]
    assert [h.until for h in w.horizons] == [D(2026, 9, 1), D(2027, 3, 1), D(2028, 3, 1)]


def test_age_limit_date_reason_and_gp(registry, national):
    rows = {r.agreement.pk: r for r in ew.lists_at_risk(national, trondheim(), DAY, 6)}
    five = rows[registry["five_months"].pk]
    assert five.on == D(2026, 8, 1)
    assert five.first.reason == Reason.AGE_LIMIT
    assert five.first.related_on == D(2026, 7, 10)
    assert five.gp_name == registry["five_months"].doctor_periods.get().doctor.full_name
    assert five.members == 3
    assert "fyller 70 år 10.07.2026; avtalen opphører 01.08.2026" in five.first.detail()
    assert rows[registry["exactly_six"].pk].on == D(2026, 9, 1)


def test_extension_beyond_the_horizon_and_extension_ending(registry, national):
    rows = {r.agreement.pk: r for r in ew.lists_at_risk(national, trondheim(), DAY, 24)}
    assert registry["extended_to_72"].pk not in rows
    ext = rows[registry["extension_ends"].pk]
    assert (ext.on, ext.first.reason) == (D(2027, 6, 1), Reason.EXTENSION_ENDS)
    assert ew.first_horizon(ext.on, DAY) == 24


def test_notice_and_take_over(registry, national):
    rows = {r.agreement.pk: r for r in ew.lists_at_risk(national, trondheim(), DAY, 24)}
    notice = rows[registry["notice"].pk]
    assert (notice.on, notice.first.reason) == (D(2026, 12, 1), Reason.NOTICE)
    assert notice.first.detail() == "oppsigelse gitt 15.02.2026; fastlegen slutter 01.12.2026"
    assert registry["taken_over"].pk not in rows
    assert registry["fine"].pk not in rows


def test_list_ending_carries_both_signals(registry, national):
    rows = {r.agreement.pk: r for r in ew.lists_at_risk(national, trondheim(), DAY, 12)}
    ends = rows[registry["list_ends"].pk]
    assert ends.on == D(2027, 1, 1)
    assert {s.reason for s in ends.signals} == {Reason.LIST_ENDS, Reason.GP_PERIOD_ENDS}


def test_substitute_only(registry, national):
    rows = {r.agreement.pk: r for r in ew.lists_at_risk(national, trondheim(), DAY, 24)}
    sub = rows[registry["substitute_long"].pk]
    assert sub.first.reason == Reason.SUBSTITUTE_ONLY
    assert sub.on == DAY
    assert (sub.first.related_on, sub.first.cover_until) == (D(2025, 6, 1), D(2026, 9, 1))
    assert sub.gp_name is None and sub.substitute_name
    assert registry["substitute_six"].pk not in rows  # exactly 6 months: not more than 6
    assert registry["vacant"].pk not in rows  # no substitute: vacant, not kept by one
    assert registry["substitute_filled"].pk not in rows  # a new GP is registered


def test_gp_away_for_long(registry, national):
    rows = {r.agreement.pk: r for r in ew.lists_at_risk(national, trondheim(), DAY, 24)}
    gone = rows[registry["away_long"].pk]
    assert (gone.first.reason, gone.on) == (Reason.LONG_ABSENCE, DAY)
    assert gone.first.detail() == "fastlegen borte siden 01.06.2025; vikar uten sluttdato"
    assert gone.gp_name and gone.substitute_name
    assert registry["away_parental"].pk not in rows
    assert registry["away_short"].pk not in rows


def test_county_sees_its_municipalities_only(registry, national):
    w = ew.early_warning(national, County.objects.get(number="50"), DAY)
    assert registry["steinkjer"].pk in ids(w.horizons[0].rows)
    assert registry["oslo"].pk not in ids(w.horizons[-1].rows)
    assert [h.residents for h in w.horizons] == [20 + 8, 33 + 8, 39 + 8]


# --- Who may see what ------------------------------------------------------------------


def test_scoping(registry):
    muni, oslo = trondheim(), Municipality.objects.get(number="0301")
    county, other_county = County.objects.get(number="50"), County.objects.get(number="03")
    own = user_with(Role.MUNICIPALITY, municipality_id="5001")
    governor = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    assert registry["five_months"].pk in ids(ew.lists_at_risk(own, muni, DAY, 6))
    assert registry["steinkjer"].pk in ids(ew.lists_at_risk(governor, county, DAY, 6))
    assert registry["five_months"].pk in ids(ew.lists_at_risk(governor, muni, DAY, 6))
    refused: list[tuple[object, Municipality | County]] = [
        (own, oslo),
        (own, county),
        (governor, other_county),
        (governor, oslo),
        (user_with(Role.GP, doctor=registry["fine"].doctor_periods.get().doctor), muni),
        (user_with(Role.MINISTRY), muni),
    ]
    for actor, area in refused:
        with pytest.raises(DomainError) as exc:
            ew.lists_at_risk(actor, area, DAY, 6)
        assert exc.value.code == "not_authorised", (actor, area)


def test_unknown_area_is_404(db, national):
    with pytest.raises(Http404):
        ew.lists_at_risk(national, Municipality(number="9999", name="Ingen"), DAY, 6)


# --- The pure rules ----------------------------------------------------------------------


def test_period_end_rule():
    end = D(2026, 6, 1)
    assert ew.regular_period_end_signal(end, "", None, end) is None
    assert ew.regular_period_end_signal(end, "", None, D(2026, 5, 1)) is None
    late = ew.regular_period_end_signal(end, "", None, D(2026, 8, 1))  # a gap: still vacant
    assert late is not None and (late.reason, late.on) == (Reason.GP_PERIOD_ENDS, end)
    resigned = ew.regular_period_end_signal(end, "sluttet", None, None)
    assert resigned is not None and resigned.reason == Reason.NOTICE


def test_substitute_cover_follows_consecutive_periods():
    day = D(2026, 3, 1)
    chain = [(D(2026, 4, 1), D(2026, 7, 1)), (D(2026, 1, 1), D(2026, 4, 1))]
    assert ew.substitute_cover_until(day, chain) == D(2026, 7, 1)
    gap = [(D(2026, 1, 1), D(2026, 4, 1)), (D(2026, 5, 1), D(2026, 9, 1))]
    assert ew.substitute_cover_until(day, gap) == D(2026, 4, 1)
    assert ew.substitute_cover_until(day, [(D(2026, 1, 1), None)]) is None
    assert ew.substitute_cover_until(day, []) == day


def test_substitute_only_rule_boundaries():
    day = D(2026, 3, 1)
    assert ew.substitute_only_signal(day, D(2025, 9, 1), None, 6) is None
    assert ew.substitute_only_signal(day, D(2025, 8, 31), None, 6) is not None
    assert ew.substitute_only_signal(day, D(2025, 1, 1), day, 6) is None  # cover ended
    assert ew.substitute_only_signal(day, D(2025, 1, 1), None, 6, D(2027, 1, 1)) is None


def test_long_absence_rule():
    day, none = D(2026, 3, 1), frozenset({"foreldrepermisjon"})
    assert ew.long_absence_signal(day, D(2025, 9, 1), "sykdom", None, 6, none) is None
    assert ew.long_absence_signal(day, D(2025, 8, 31), "sykdom", None, 6, none) is not None
    assert ew.long_absence_signal(day, D(2025, 1, 1), "foreldrepermisjon", None, 6, none) is None
    assert ew.long_absence_signal(day, D(2025, 1, 1), "sykdom", day, 6, none) is None


def test_horizon_boundaries():
    assert ew.first_horizon(D(2026, 9, 1), DAY) == 6
    assert ew.first_horizon(D(2026, 9, 2), DAY) == 12
    assert ew.first_horizon(D(2028, 3, 1), DAY) == 24
    assert ew.first_horizon(D(2028, 3, 2), DAY) is None
    assert ew.first_horizon(D(2025, 1, 1), DAY) == 6  # overdue: in every horizon


def test_substitute_threshold_is_a_named_unverified_parameter():
    (p,) = [p for p in ew.PARAMETERS if p.name == "substitute_only_months"]
    assert p.verified is False and p.note
    assert ew.param("substitute_only_months", DAY) == 6


def test_queries_do_not_grow_with_the_lists(registry, national):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    county = County.objects.get(number="50")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            ew.early_warning(national, county, DAY)
        return len(ctx.captured_queries)

    count()  # reads the user's roles once (cached on the user)
    before = count()
    for muni in ("5001", "5006", "5025"):
        with_gp(a_list(muni, members=2), D(1956, 4, 4))
        with_gp(a_list(muni), valid_to=D(2026, 5, 1), notice_given_on=D(2025, 11, 1))
        vacant = a_list(muni)
        with_gp(vacant, valid_to=D(2024, 1, 1))
        substitute(vacant, D(2024, 1, 1))
        gone = a_list(muni)
        away(with_gp(gone), D(2025, 1, 1), Absence.Reason.SICK)
        substitute(gone, D(2025, 1, 1))
    assert count() == before
