"""Who may do what: the scope of the acting user, from their role assignments.

``actor`` is a user, or ``None`` for the system itself (the population
register feed, the monthly update, operator commands). Superusers and the
national role may act everywhere; a municipality acts on its own lists; a
GP on the lists where they are the regular GP; a citizen for themselves and
for their children by the age rules of pasientrettighetsforskriften § 6.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from fastlege.accounts.models import Role, RoleAssignment
from fastlege.registry import rules
from fastlege.registry.models import Agreement, DoctorPeriod, Resident
from fastlege.registry.periods import in_force_on
from fastlege.registry.services.errors import Code, refuse


@dataclass(frozen=True)
class Scope:
    system: bool = False
    national: bool = False
    #: The ministry (departementet): dialogue organiser nationally; no registry access.
    ministry: bool = False
    municipalities: frozenset[str] = field(default_factory=frozenset)
    counties: frozenset[str] = field(default_factory=frozenset)
    residents: frozenset[int] = field(default_factory=frozenset)
    doctors: frozenset[int] = field(default_factory=frozenset)

    @property
    def everything(self) -> bool:
        return self.system or self.national


_CACHE_ATTR = "_fastlege_scope"


def scope_of(actor: Any) -> Scope:
    """The actor's scope, read once per user object."""
    if actor is None:
        return Scope(system=True)
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
        return Scope()
    cached = getattr(actor, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = list(
        RoleAssignment.objects.filter(user_id=actor.pk).values_list(
            "role", "municipality_id", "county_id", "resident_id", "doctor_id"
        )
    )
    scope = Scope(
        national=bool(getattr(actor, "is_superuser", False))
        or any(r[0] == Role.NATIONAL for r in rows),
        ministry=any(r[0] == Role.MINISTRY for r in rows),
        municipalities=frozenset(r[1] for r in rows if r[0] == Role.MUNICIPALITY and r[1]),
        counties=frozenset(r[2] for r in rows if r[0] == Role.COUNTY_GOVERNOR and r[2]),
        residents=frozenset(r[3] for r in rows if r[0] == Role.CITIZEN and r[3]),
        doctors=frozenset(r[4] for r in rows if r[0] == Role.GP and r[4]),
    )
    setattr(actor, _CACHE_ATTR, scope)
    return scope


def require_system_or_national(actor: Any) -> Scope:
    """Population-register events and other national operations."""
    scope = scope_of(actor)
    if not scope.everything:
        refuse(Code.NOT_AUTHORISED)
    return scope


def require_municipality(actor: Any, municipality_id: str) -> Scope:
    """The municipality's own lists and residents (and national/system)."""
    scope = scope_of(actor)
    if not (scope.everything or municipality_id in scope.municipalities):
        refuse(Code.NOT_AUTHORISED)
    return scope


def require_own_municipality(actor: Any, municipality_id: str) -> Scope:
    """A decision only the municipality itself makes (e.g. extending an agreement past
    70, fastlegeforskriften § 12): its own officers, or the system (imports,
    commands). National staff read and register, but do not decide for it."""
    scope = scope_of(actor)
    if not (scope.system or municipality_id in scope.municipalities):
        refuse(Code.NOT_AUTHORISED)
    return scope


def regular_gp_on(agreement_id: int, day: datetime.date) -> DoctorPeriod | None:
    """The regular-GP period (LPFL) of a list covering ``day``, if any."""
    return (
        DoctorPeriod.objects.filter(
            in_force_on(day),
            agreement_id=agreement_id,
            role=DoctorPeriod.Role.REGULAR,
        )
        .select_related("doctor")
        .order_by("-valid_from")
        .first()
    )


def require_gp_or_municipality(
    actor: Any, agreement: Agreement, day: datetime.date
) -> tuple[Scope, bool]:
    """The list's own regular GP, or its municipality. Returns (scope, acting as the GP)."""
    scope = scope_of(actor)
    if scope.doctors:
        period = regular_gp_on(agreement.pk, day)
        if period is not None and period.doctor_id in scope.doctors:
            return scope, True
    if scope.everything or agreement.municipality_id in scope.municipalities:
        return scope, False
    if scope.doctors:
        refuse(Code.GP_NOT_ON_AGREEMENT)
    refuse(Code.NOT_AUTHORISED)


def require_for_resident(
    actor: Any,
    resident: Resident,
    on: datetime.date,
    *,
    parental_consent: bool = False,
) -> str:
    """May ``actor`` make a choice of GP for ``resident``? Returns how they act.

    "system"/"national" (Helfo, e.g. by phone), "self", or "parent". Age rules
    of pasientrettighetsforskriften §§ 5–6 apply to citizens.
    """
    scope = scope_of(actor)
    if scope.system:
        return "system"
    if scope.national:
        return "national"
    age = rules.age_on(resident.birth_date, on)
    if resident.pk in scope.residents:
        code = rules.child_switch_refusal(
            age, by_parent=False, parental_consent=parental_consent, on=on
        )
        if code:
            refuse(Code(code))
        return "self"
    parents = {resident.mother_id, resident.father_id} - {None}
    if parents & scope.residents:
        code = rules.child_switch_refusal(age, by_parent=True, parental_consent=True, on=on)
        if code:
            refuse(Code(code))
        return "parent"
    refuse(Code.NOT_AUTHORISED)


def is_parent_acting_for_child(scope: Scope, resident: Resident, on: datetime.date) -> bool:
    """A citizen acting for their own child under 16 (§ 5: parents act until 16)."""
    parents = {resident.mother_id, resident.father_id} - {None}
    return bool(parents & scope.residents) and rules.age_on(resident.birth_date, on) < int(
        rules.param("child_age_self_decides", on)
    )


def require_own_or_staff(actor: Any, resident: Resident, on: datetime.date) -> Scope:
    """Reading or changing a person's own items (waiting list, notifications).

    The person, their parent while they are under 16, their home municipality,
    national staff and the system.
    """
    scope = scope_of(actor)
    if scope.everything or resident.pk in scope.residents:
        return scope
    if is_parent_acting_for_child(scope, resident, on):
        return scope
    if resident.municipality_id in scope.municipalities:
        return scope
    refuse(Code.NOT_AUTHORISED)
