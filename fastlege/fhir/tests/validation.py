"""FHIR R4 validation of the answers with ``fhir.resources`` (its R4B models: R4B
changed nothing in the four resources served here, Bundle, CapabilityStatement or
OperationOutcome): unknown elements, wrong types and missing required elements fail,
and nothing the server sent may be dropped by the model."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

from fastlege.fhir import profiles

CONTENT_TYPE = profiles.CONTENT_TYPE


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` validated as the resource its ``resourceType`` names; returned unchanged."""
    model = get_fhir_model_class(body["resourceType"]).model_validate(body)
    assert json.loads(model.model_dump_json()) == body
    return body


def fhir_get(url: str, status: int = 200, **headers: Any) -> dict[str, Any]:
    """GET ``url``; the status, the content type and the body's validity are checked."""
    response = Client().get(url, **headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].split(";")[0] == CONTENT_TYPE
    return validate(response.json())


def entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    assert bundle["type"] == "searchset"
    return [e["resource"] for e in bundle.get("entry", [])]


def extension(resource: dict[str, Any], url: str) -> list[Any]:
    """The values of the extensions with ``url``."""
    out: list[Any] = []
    for ext in resource.get("extension", []):
        if ext["url"] == url:
            out.extend(v for k, v in ext.items() if k.startswith("value"))
    return out
