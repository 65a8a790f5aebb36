"""factory-boy factories for the registry, plus helpers that build a small world fast.

Identity numbers are synthetic (Tenor convention, month + 80) and unique per
test session; organisation numbers get a valid check digit.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from typing import Any

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory
from stdnum.no import orgnr

from fastlege.accounts.models import Role, RoleAssignment
from fastlege.core.identity import is_d_number, make_synthetic_nin
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Practice,
    Resident,
)

D = datetime.date
_next_individual: dict[tuple[D, bool, bool], int] = defaultdict(int)


def synthetic_nin(birth_date: D, *, d_number: bool = False) -> str:
    """A fresh, valid synthetic identity number for ``birth_date`` (sex by parity);
    ``d_number``: a synthetic D-number (day + 40)."""
    low, high = (0, 499) if birth_date.year < 2000 else (500, 999)
    key = (birth_date, birth_date.year < 2000, d_number)
    while True:
        individual = low + _next_individual[key]
        if individual > high:
            raise RuntimeError("no more synthetic numbers for this birth date")
        _next_individual[key] += 1
        nin = make_synthetic_nin(birth_date, individual, d_number=d_number)
        if nin is not None:
            return nin


_org_counter = itertools.count(10_000_000)


def org_number() -> str:
    while True:
        base = str(next(_org_counter))
        for digit in "0123456789":
            if orgnr.is_valid(base + digit):
                return base + digit


class UserFactory(DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"bruker{n}")


class RoleFactory(DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.NATIONAL


class PracticeFactory(DjangoModelFactory[Practice]):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Legekontor {n}")
    org_number = factory.LazyFunction(org_number)
    municipality_id = "5001"


class DoctorFactory(DjangoModelFactory[Doctor]):
    class Meta:
        model = Doctor

    hpr_number = factory.Sequence(lambda n: str(900_000_000 + n))
    first_name = "Lise"
    last_name = factory.Sequence(lambda n: f"Lege{n}")
    birth_date = D(1975, 5, 5)
    sex = "K"
    # Meets the competence requirement (kompetanseforskriften § 3) so it may be given a list.
    specialty = Doctor.Specialty.SPECIALIST


class AgreementFactory(DjangoModelFactory[Agreement]):
    class Meta:
        model = Agreement

    practice = factory.SubFactory(PracticeFactory)
    municipality_id = factory.SelfAttribute("practice.municipality_id")
    ceiling = 1000
    valid_from = D(2020, 1, 1)


class DoctorPeriodFactory(DjangoModelFactory[DoctorPeriod]):
    class Meta:
        model = DoctorPeriod

    agreement = factory.SubFactory(AgreementFactory)
    doctor = factory.SubFactory(DoctorFactory)
    role = DoctorPeriod.Role.REGULAR
    valid_from = D(2020, 1, 1)


class ResidentFactory(DjangoModelFactory[Resident]):
    class Meta:
        model = Resident

    first_name = "Kari"
    last_name = factory.Sequence(lambda n: f"Nordmann{n}")
    birth_date = factory.Sequence(lambda n: D(1960, 1, 1) + datetime.timedelta(days=n % 9000))
    nin = factory.LazyAttribute(lambda o: synthetic_nin(o.birth_date))
    has_d_number = factory.LazyAttribute(lambda o: is_d_number(o.nin))  # as Resident.save
    sex = "K"
    municipality_id = "5001"
    resident_since = D(2020, 1, 1)


class MembershipFactory(DjangoModelFactory[ListMembership]):
    class Meta:
        model = ListMembership

    resident = factory.SubFactory(ResidentFactory)
    agreement = factory.SubFactory(AgreementFactory)
    valid_from = D(2021, 1, 1)
    begin_reason = ListMembership.BeginReason.INITIAL


def user_with(role: str, **scope: object):
    """A user with one role, e.g. ``user_with(Role.MUNICIPALITY, municipality_id="5001")``."""
    assignment = RoleFactory.create(role=role, **scope)
    return assignment.user


def gp_list(
    *,
    ceiling: int = 1000,
    members: int = 0,
    municipality: str = "5001",
    with_gp: bool = True,
    is_open: bool = True,
    gp_speaks_sami: bool = False,
) -> Agreement:
    """A list with (by default) a regular GP since 2020 and ``members`` residents on it;
    ``gp_speaks_sami``: the GP speaks Sami (fastlegeforskriften § 36)."""
    agreement = AgreementFactory.create(
        practice=PracticeFactory.create(municipality_id=municipality),
        ceiling=ceiling,
        is_open=is_open,
        locked_by_hand=not is_open,
    )
    if with_gp:
        doctor = DoctorFactory.create(speaks_sami=gp_speaks_sami)
        DoctorPeriodFactory.create(agreement=agreement, doctor=doctor)
    add_members(agreement, members)
    return agreement


def add_members(agreement: Agreement, count: int, **resident_fields: object) -> list[Resident]:
    """``count`` new residents placed on ``agreement`` (bulk, for speed)."""
    if count <= 0:
        return []
    people = ResidentFactory.build_batch(
        count, municipality_id=agreement.municipality_id, **resident_fields
    )
    people = Resident.objects.bulk_create(people)
    if any(p.pk is None for p in people):
        nins = [p.nin for p in people]
        people = list(Resident.objects.filter(nin__in=nins).order_by("pk"))
    ListMembership.objects.bulk_create(
        ListMembership(
            resident=p,
            agreement=agreement,
            valid_from=D(2021, 1, 1),
            begin_reason=ListMembership.BeginReason.INITIAL,
        )
        for p in people
    )
    return people


def member(agreement: Agreement, **resident_fields: object) -> Resident:
    """One resident on ``agreement``."""
    person = ResidentFactory.create(municipality_id=agreement.municipality_id, **resident_fields)
    MembershipFactory.create(resident=person, agreement=agreement)
    return person


def apply_switch(switch) -> ListMembership:
    """Stand-in for the monthly update (a later issue): put one pending move into force."""
    from fastlege.registry.models import SwitchRequest

    begin = {
        SwitchRequest.Reason.REDUCTION: ListMembership.BeginReason.REDUCTION,
        SwitchRequest.Reason.AGREEMENT_CLOSED: ListMembership.BeginReason.AGREEMENT_CLOSED,
        SwitchRequest.Reason.REMOVED: ListMembership.BeginReason.REMOVAL,
        SwitchRequest.Reason.PLACEMENT: ListMembership.BeginReason.ASSIGNED,
        SwitchRequest.Reason.WAITING_LIST: ListMembership.BeginReason.WAITING_LIST,
    }.get(switch.reason, ListMembership.BeginReason.CHOSEN)
    end = {
        SwitchRequest.Reason.REDUCTION: ListMembership.EndReason.MOVED_BY_REDUCTION,
        SwitchRequest.Reason.AGREEMENT_CLOSED: ListMembership.EndReason.AGREEMENT_CLOSED,
        SwitchRequest.Reason.REMOVED: ListMembership.EndReason.REMOVED,
    }.get(switch.reason, ListMembership.EndReason.SWITCHED)
    current = ListMembership.objects.filter(
        resident_id=switch.resident_id, valid_to__isnull=True
    ).first()
    if current is not None:
        current.valid_to = max(switch.effective_on, current.valid_from + datetime.timedelta(days=1))
        current.end_reason = end
        current.save()
    switch.status = SwitchRequest.Status.APPLIED
    switch.save()
    return ListMembership.objects.create(
        resident_id=switch.resident_id,
        agreement_id=switch.to_agreement_id,
        valid_from=max(switch.effective_on, current.valid_to if current else switch.effective_on),
        begin_reason=begin,
    )
