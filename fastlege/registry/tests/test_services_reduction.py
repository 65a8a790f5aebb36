"""List reduction by lot (§ 11): households kept together, reproducible, no switch used."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.registry.models import (
    DoctorPeriod,
    ListReduction,
    Notification,
    ReductionDraw,
    Resident,
    SwitchRequest,
)
from fastlege.registry.services import (
    Code,
    approve_ceiling_change,
    cancel_list_reduction,
    prepare_list_reduction,
    request_ceiling_change,
    request_switch,
)
from fastlege.registry.services.reduction import reproduce_draw
from fastlege.registry.tests.factories import add_members, gp_list, member, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)
MONTH = D(2026, 10, 1)


@pytest.fixture
def muni():
    return user_with(Role.MUNICIPALITY, municipality_id="5001")


def reduced_list(members: int, new_ceiling: int, muni, **fields):
    """A list with ``members`` residents whose GP got a lower ceiling approved for MONTH."""
    agreement = gp_list(ceiling=max(members, 500), members=0)
    add_members(agreement, members, **fields)
    gp = user_with(Role.GP, doctor=DoctorPeriod.objects.get(agreement=agreement).doctor)
    change = request_ceiling_change(gp, agreement, new_ceiling, effective_on=MONTH, today=TODAY)
    approve_ceiling_change(muni, change, low_ceiling_approved=True, today=TODAY)
    return agreement


def test_households_are_kept_together(muni):
    source = gp_list(ceiling=500, members=0)
    families = []
    for h in range(1, 11):  # ten households of three: two adults and a child of 10
        mum, dad = add_members(source, 2, household=h)
        add_members(source, 1, household=h, birth_date=D(2016, 1, 1), mother=mum, father=dad)
        families.append(h)
    add_members(source, 10)  # ten people living alone
    target = gp_list(ceiling=100, members=0)
    # ceiling 30 → excess of 10
    source.ceiling = 30
    source.save()
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(target, 10)], seed=42, today=TODAY
    )
    drawn = set(
        ReductionDraw.objects.filter(reduction=reduction).values_list("resident", flat=True)
    )
    assert 0 < len(drawn) <= 10 and reduction.drawn == len(drawn)
    whole = 0
    for h in families:
        household = set(Resident.objects.filter(household=h).values_list("pk", flat=True))
        assert len(household) == 3
        assert household <= drawn or not household & drawn, f"household {h} was split"
        whole += household <= drawn
    assert whole >= 1  # a household was drawn, so keeping it together was put to the test


def test_children_of_16_or_more_do_not_count_as_household(muni):
    source = gp_list(ceiling=500, members=0)
    mum = add_members(source, 1, household=5)[0]
    teen = add_members(source, 1, household=5, birth_date=D(2009, 1, 1), mother=mum)[0]
    small = add_members(source, 1, household=5, birth_date=D(2015, 1, 1), mother=mum)[0]
    source.ceiling = 2
    source.save()
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=10), 1)], seed=1, today=TODAY
    )
    units = reduction.units
    assert [teen.pk] in units
    assert sorted([mum.pk, small.pk]) in units
    assert reduction.drawn == 1
    assert list(ReductionDraw.objects.values_list("resident", flat=True)) == [teen.pk]


def test_the_draw_is_reproducible_from_the_recorded_seed(muni):
    source = gp_list(ceiling=25, members=40)
    t1, t2 = gp_list(ceiling=100), gp_list(ceiling=100)
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(t1, 8), (t2, 7)], today=TODAY
    )
    assert reduction.seed is not None
    stored = {
        (d.resident_id, d.target_agreement_id)
        for d in ReductionDraw.objects.filter(reduction=reduction)
    }
    again = reproduce_draw(reduction)
    assert {(rid, t) for _n, unit, t in again.assignments for rid in unit} == stored
    assert len(stored) == 15


def test_drawn_residents_get_a_move_that_does_not_count_and_a_letter(muni):
    source = gp_list(ceiling=20, members=30)
    target = gp_list(ceiling=50, members=5)
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(target, 10)], seed=7, today=TODAY
    )
    moves = SwitchRequest.objects.filter(reason=SwitchRequest.Reason.REDUCTION)
    assert moves.count() == 10
    assert not moves.filter(counts_against_quota=True).exists()
    assert set(moves.values_list("effective_on", flat=True)) == {MONTH}
    notes = Notification.objects.filter(kind=Notification.Kind.REDUCTION)
    assert notes.count() == 10 and "tilfeldig uttrekk" in notes[0].body
    assert "01.10.2026" in notes[0].body and "teller ikke" in notes[0].body
    # A drawn person may choose another list instead; still not counted.
    drawn = ReductionDraw.objects.filter(reduction=reduction).first()
    assert drawn is not None
    own = request_switch(None, drawn.resident_id, gp_list(ceiling=10), today=TODAY)
    assert own.reason == SwitchRequest.Reason.REDUCTION and not own.counts_against_quota
    drawn.switch_request.refresh_from_db()  # type: ignore[union-attr]
    assert drawn.switch_request.status == SwitchRequest.Status.CANCELLED  # type: ignore[union-attr]


def test_the_ceiling_in_force_that_month_decides_the_excess(muni):
    source = reduced_list(30, 25, muni, birth_date=D(1970, 1, 1))  # approved 30 → 25 for MONTH
    with pytest.raises(DomainError) as exc:
        prepare_list_reduction(
            muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=50), 6)], today=TODAY
        )
    assert exc.value.code == Code.REDUCTION_EXCEEDS_EXCESS
    assert "høyst 5" in exc.value.messages[0]
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=50), 5)], today=TODAY
    )
    assert reduction.ceiling == 25 and reduction.ceiling_change is not None


def test_no_reduction_when_the_list_is_within_its_ceiling(muni):
    source = gp_list(ceiling=50, members=10)
    with pytest.raises(DomainError) as exc:
        prepare_list_reduction(
            muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=50), 1)], today=TODAY
        )
    assert exc.value.code == Code.NO_REDUCTION_NEEDED


def test_the_target_needs_the_free_places_and_nothing_is_written_otherwise(muni):
    source = gp_list(ceiling=5, members=10)
    full = gp_list(ceiling=5, members=3)
    with pytest.raises(DomainError) as exc:
        prepare_list_reduction(muni, source, effective_on=MONTH, plan=[(full, 4)], today=TODAY)
    assert exc.value.code == Code.INSUFFICIENT_CAPACITY
    assert not ListReduction.objects.exists() and not SwitchRequest.objects.exists()


def test_one_reduction_per_list_and_month_and_cancel(muni):
    source = gp_list(ceiling=5, members=10)
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=50), 5)], seed=3, today=TODAY
    )
    with pytest.raises(DomainError) as exc:
        prepare_list_reduction(
            muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=50), 5)], today=TODAY
        )
    assert exc.value.code in {Code.REDUCTION_ALREADY_PREPARED, Code.NO_REDUCTION_NEEDED}
    cancel_list_reduction(muni, reduction, today=TODAY)
    assert not SwitchRequest.objects.filter(status="venter").exists()
    reduction.refresh_from_db()
    assert reduction.status == ListReduction.Status.CANCELLED


def test_bad_plans(muni):
    source = gp_list(ceiling=5, members=10)
    for plan, code in [
        ([(source, 2)], Code.TARGET_SAME_LIST),
        ([(gp_list(ceiling=50), 0)], Code.INVALID_COUNT),
        ([], Code.INVALID_COUNT),
        ([(gp_list(ceiling=50, municipality="5006"), 2)], Code.TARGET_OTHER_MUNICIPALITY),
    ]:
        with pytest.raises(DomainError) as exc:
            prepare_list_reduction(muni, source, effective_on=MONTH, plan=plan, today=TODAY)
        assert exc.value.code == code
    with pytest.raises(DomainError) as exc:
        prepare_list_reduction(
            muni, source, effective_on=D(2026, 10, 2), plan=[(gp_list(), 1)], today=TODAY
        )
    assert exc.value.code == Code.NOT_FIRST_OF_MONTH


def test_people_with_a_pending_switch_are_not_drawn(muni):
    source = gp_list(ceiling=3, members=0)
    leaving = member(source)
    add_members(source, 5)
    request_switch(None, leaving, gp_list(ceiling=10), today=TODAY)
    # 6 on the list, one leaves by the 1st: the excess over 3 is 2, not 3.
    with pytest.raises(DomainError) as exc:
        prepare_list_reduction(
            muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=50), 3)], today=TODAY
        )
    assert exc.value.code == Code.REDUCTION_EXCEEDS_EXCESS
    reduction = prepare_list_reduction(
        muni, source, effective_on=MONTH, plan=[(gp_list(ceiling=50), 2)], seed=9, today=TODAY
    )
    assert leaving.pk not in {rid for unit in reduction.units for rid in unit}
    assert reduction.drawn == 2
