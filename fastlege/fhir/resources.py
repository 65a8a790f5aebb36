"""fastlege's objects as FHIR R4 resources (JSON, as dicts), following no-basis.

Pure functions: the selectors fetch and count, these only map. The mapping table is
in docs/fhir.md; keep the two together.
"""

from __future__ import annotations

import datetime
from typing import Any

from fastlege.fhir import profiles as p
from fastlege.registry.models import Agreement, Doctor, DoctorPeriod, Practice, Sex
from fastlege.registry.services.common import is_closed_for_new

GENDER = {Sex.FEMALE: "female", Sex.MALE: "male"}


def _meta(resource_type: str) -> dict[str, Any]:
    return {"profile": [p.PROFILE[resource_type]]}


def reference(resource_type: str, id_: str, display: str) -> dict[str, str]:
    return {"reference": f"{resource_type}/{id_}", "display": display}


def _last_day(valid_to: datetime.date | None) -> str | None:
    """A half-open period's end (the first day no longer in force) as FHIR's inclusive
    ``Period.end``: the last day in force."""
    return (valid_to - datetime.timedelta(days=1)).isoformat() if valid_to else None


def _period(valid_from: datetime.date, valid_to: datetime.date | None) -> dict[str, str]:
    period = {"start": valid_from.isoformat()}
    end = _last_day(valid_to)
    if end:
        period["end"] = end
    return period


def practitioner(doctor: Doctor) -> dict[str, Any]:
    """A doctor (lege) by HPR number: no-basis-Practitioner."""
    qualifications = [{"code": {"coding": [_coding(p.HEALTH_PERSONNEL_CATEGORY, "LE", "Lege")]}}]
    if doctor.specialty == Doctor.Specialty.SPECIALIST:
        coding = _coding(p.HPR_SPECIALITY, "1", "Allmennmedisin")
        qualifications.append({"code": {"coding": [coding]}})
    return {
        "resourceType": "Practitioner",
        "id": doctor.hpr_number,
        "meta": _meta("Practitioner"),
        "identifier": [{"system": p.HPR_SYSTEM, "value": doctor.hpr_number}],
        "active": True,
        "name": [
            {
                "use": "official",
                "text": doctor.full_name,
                "family": doctor.last_name,
                "given": doctor.first_name.split(),
            }
        ],
        "gender": GENDER.get(Sex(doctor.sex), "unknown"),
        "qualification": qualifications,
    }


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def address(practice: Practice) -> dict[str, Any]:
    """The practice's street address (no-basis-Address): the municipality's name in
    ``district`` and its number in the ``no-basis-municipalitycode`` extension on it."""
    muni = practice.municipality
    out: dict[str, Any] = {"use": "work", "type": "physical"}
    if practice.address:
        out["line"] = [practice.address]
    if practice.postal_code is not None:
        out["postalCode"] = practice.postal_code.code
        out["city"] = practice.postal_code.place
    out["district"] = muni.name
    out["_district"] = {
        "extension": [
            {
                "url": p.MUNICIPALITY_CODE_EXTENSION,
                "valueCoding": _coding(p.MUNICIPALITY_SYSTEM, muni.number, muni.name),
            }
        ]
    }
    return out


def organization(practice: Practice) -> dict[str, Any]:
    """A practice (legekontor) by organisation number: no-basis-Organization."""
    return {
        "resourceType": "Organization",
        "id": practice.org_number,
        "meta": _meta("Organization"),
        "identifier": [{"system": p.ENH_SYSTEM, "value": practice.org_number}],
        "active": True,
        "name": practice.name,
        "address": [address(practice)],
    }


def location(practice: Practice) -> dict[str, Any]:
    """The practice's premises: no-basis-Location, same id as its Organization."""
    return {
        "resourceType": "Location",
        "id": practice.org_number,
        "meta": _meta("Location"),
        "status": "active",
        "mode": "instance",
        "name": practice.name,
        "address": address(practice),
        "managingOrganization": reference("Organization", practice.org_number, practice.name),
    }


def practitioner_role(
    agreement: Agreement, regular: DoctorPeriod | None, substitutes: list[DoctorPeriod]
) -> dict[str, Any]:
    """A list (fastlegeavtale) as the role of its regular GP now: no-basis-PractitionerRole,
    id = the list's id. ``agreement`` carries ``members`` and ``free`` (the registry's
    definition, ``web.selectors.with_free``). A list without a regular GP has no
    ``practitioner``; substitutes now are ``gp-list-substitute`` extensions."""
    practice = agreement.practice
    free: int = agreement.free  # type: ignore[attr-defined]
    members: int = agreement.members  # type: ignore[attr-defined]
    extension: list[dict[str, Any]] = [
        {"url": p.LIST_CEILING, "valueUnsignedInt": agreement.ceiling},
        {"url": p.LIST_LENGTH, "valueUnsignedInt": members},
        {"url": p.LIST_FREE_PLACES, "valueUnsignedInt": free},
        {"url": p.LIST_OPEN, "valueBoolean": not is_closed_for_new(agreement)},
    ]
    for period in substitutes:
        doctor = period.doctor
        extension.append(
            {
                "url": p.LIST_SUBSTITUTE,
                "valueReference": reference("Practitioner", doctor.hpr_number, doctor.full_name),
            }
        )
    role: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": str(agreement.pk),
        "meta": _meta("PractitionerRole"),
        "extension": extension,
        "active": True,
    }
    if regular is not None:
        role["period"] = _period(regular.valid_from, regular.valid_to)
        doctor = regular.doctor
        role["practitioner"] = reference("Practitioner", doctor.hpr_number, doctor.full_name)
    role["organization"] = reference("Organization", practice.org_number, practice.name)
    role["location"] = [reference("Location", practice.org_number, practice.name)]
    return role
