"""Errors at /fhir/ as OperationOutcome resources.

One issue per error: ``code`` is FHIR's issue type, ``details.coding`` fastlege's
stable code (the same words as the API's problem codes, docs/api.md),
``details.text`` the Norwegian message and ``diagnostics`` the English one.
"""

from __future__ import annotations

from typing import Any

from fastlege.fhir import profiles as p

#: fastlege code → (HTTP status, FHIR issue type).
KINDS: dict[str, tuple[int, str]] = {
    "unknown_parameter": (400, "not-supported"),
    "invalid": (400, "invalid"),
    "bad_cursor": (400, "invalid"),
    "not_found": (404, "not-found"),
    "method_not_allowed": (405, "not-supported"),
    "not_acceptable": (406, "not-supported"),
    "throttled": (429, "throttled"),
}


class FhirError(Exception):
    """A refusal at /fhir/: answered as an OperationOutcome with the code's status."""

    def __init__(self, code: str, norwegian: str, english: str) -> None:
        super().__init__(english)
        self.code = code
        self.status, self.issue_type = KINDS[code]
        self.norwegian = norwegian
        self.english = english


def operation_outcome(error: FhirError) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "severity": "error",
        "code": error.issue_type,
        "details": {
            "coding": [{"system": p.ISSUE_CODES, "code": error.code}],
            "text": error.norwegian,
        },
        "diagnostics": error.english,
    }
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def not_found(resource_type: str = "", id_: str = "") -> FhirError:
    if resource_type and id_:
        return FhirError(
            "not_found",
            f"Fant ingen {resource_type} med id {id_}.",
            f"No {resource_type} with id {id_}.",
        )
    return FhirError(
        "not_found", "Det finnes ingen slik ressurs her.", "There is no such resource here."
    )


def bad_parameter(name: str, norwegian: str, english: str) -> FhirError:
    return FhirError("invalid", f"{name}: {norwegian}", f"{name}: {english}")
