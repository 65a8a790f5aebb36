"""/fhir/: read and search of Practitioner, Organization, Location and PractitionerRole,
and the CapabilityStatement. Thin: ``search`` parses and pages, ``selectors`` read,
``resources`` map. Open like the API's public resources (no resident's data), rate
limited like the API's calls without a token (the same counter)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from fastlege.api.throttling import ClientRateThrottle
from fastlege.fhir import profiles as p
from fastlege.fhir import search
from fastlege.fhir.capability import capability_statement
from fastlege.fhir.outcomes import FhirError, not_found, operation_outcome


def fhir_response(body: dict[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{p.CONTENT_TYPE}; charset=utf-8",
        headers=headers or None,
    )
    return response


#: Media types in ``Accept`` that JSON answers (FHIR's own and plain JSON, and wildcards).
JSON_TYPES = frozenset({p.CONTENT_TYPE, "application/json", "application/*", "*/*"})


def accepts_json(accept: str) -> bool:
    """Whether an ``Accept`` header (empty: anything) allows the JSON answer."""
    if not accept.strip():
        return True
    return any(part.split(";")[0].strip().lower() in JSON_TYPES for part in accept.split(","))


def fhir_view(view: Callable[..., dict[str, Any]]) -> Callable[..., HttpResponse]:
    """GET only, the rate limit, and every refusal as an OperationOutcome."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers: dict[str, str] = {}
        try:
            if request.method not in ("GET", "HEAD"):
                headers["Allow"] = "GET, HEAD"
                raise FhirError(
                    "method_not_allowed",
                    "Bare lesing (GET) støttes.",
                    "Only reads (GET) are supported.",
                )
            if not accepts_json(request.headers.get("Accept", "")):
                raise FhirError(
                    "not_acceptable",
                    "Bare JSON leveres (application/fhir+json).",
                    "Only JSON is served (application/fhir+json).",
                )
            throttle = ClientRateThrottle()
            if not throttle.allow_request(request, None):
                headers["Retry-After"] = str(int(throttle.wait()) + 1)
                raise FhirError(
                    "throttled",
                    "For mange forespørsler; vent litt.",
                    "Too many requests; wait a little.",
                )
            return fhir_response(view(request, *args, **kwargs))
        except FhirError as error:
            return fhir_response(operation_outcome(error), error.status, **headers)

    return wrapper


@fhir_view
def metadata(request: HttpRequest) -> dict[str, Any]:
    return capability_statement(request.build_absolute_uri(reverse("fhir:base")))


@fhir_view
def read(request: HttpRequest, resource_type: str, id: str) -> dict[str, Any]:
    kind = search.resource_type(resource_type)
    return search.read(kind, id, request.GET, timezone.localdate())


@fhir_view
def search_type(request: HttpRequest, resource_type: str) -> dict[str, Any]:
    kind = search.resource_type(resource_type)
    page = search.search(kind, request.GET, request.path, timezone.localdate())
    return search.bundle(request, kind, page)


@fhir_view
def unknown(request: HttpRequest) -> dict[str, Any]:
    raise not_found()
