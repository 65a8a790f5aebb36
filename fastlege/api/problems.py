"""Errors as RFC 9457 problem details (``application/problem+json``), in Norwegian
and English.

Every error the API gives has this shape::

    {"type": "urn:fastlege:problem:invalid", "title": "Ugyldig forespørsel",
     "status": 400, "detail": "…", "code": "invalid", "instance": "/api/v1/…",
     "title_en": "Invalid request", "detail_en": "…",
     "errors": [{"field": "ceiling", "code": "max_value", "detail": "…"}]}

``code`` (also the end of ``type``) is stable and is what a program should test;
``title``/``detail`` are Norwegian, ``title_en``/``detail_en`` English. Field
errors (``errors``) name the field and its code; their ``detail`` is in the
request's language (``Accept-Language: en`` for English, Norwegian by default).
The codes are listed in ``docs/api.md``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from fastlege.core.errors import DomainError

CONTENT_TYPE = "application/problem+json"

#: (status, Norwegian title, English title) per code of the framework's own errors.
KINDS: dict[str, tuple[int, str, str]] = {
    "invalid": (400, "Ugyldig forespørsel", "Invalid request"),
    "parse_error": (400, "Kunne ikke lese forespørselen", "Malformed request"),
    "bad_cursor": (400, "Ugyldig sidemarkør", "Invalid page cursor"),
    "unknown_field": (400, "Ukjent felt", "Unknown field"),
    "not_authenticated": (401, "Innlogging mangler", "Not authenticated"),
    "authentication_failed": (401, "Ugyldig API-nøkkel", "Invalid credentials"),
    "permission_denied": (403, "Ingen tilgang", "Forbidden"),
    "not_authorised": (403, "Ingen tilgang", "Forbidden"),
    "not_found": (404, "Finnes ikke", "Not found"),
    "method_not_allowed": (405, "Metoden er ikke tillatt", "Method not allowed"),
    "not_acceptable": (406, "Kan ikke levere det formatet", "Not acceptable"),
    "unsupported_media_type": (415, "Ukjent innholdstype", "Unsupported media type"),
    "conflict": (409, "I strid med det som er registrert nå", "Conflicts with the current state"),
    "refused": (422, "Avvist etter reglene", "Refused by the rules"),
    "throttled": (429, "For mange forespørsler", "Too many requests"),
    "server_error": (500, "Feil på serveren", "Server error"),
}

#: Refusals that say the thing asked about is no longer (or already) in the state the
#: request needs — someone else decided, withdrew or prepared it first: 409, not 422.
CONFLICT_CODES = frozenset(
    {
        "ceiling_change_pending",
        "ceiling_change_not_pending",
        "reduction_already_prepared",
        "reduction_not_prepared",
        "switch_already_pending",
        "switch_not_pending",
        "switch_already_effective",
    }
)

ENGLISH_DETAILS = {
    "not_authenticated": "Send an API token: 'Authorization: Bearer flk_…'.",
    "authentication_failed": "Invalid, expired or revoked API token.",
    "permission_denied": "This token's role or area does not allow this.",
    "not_found": "No such resource (or not in this token's area).",
    "invalid": "The request has invalid fields; see 'errors'.",
}


def problem(
    code: str,
    detail: str,
    detail_en: str,
    *,
    status_code: int | None = None,
    errors: list[dict[str, Any]] | None = None,
    instance: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    fallback = KINDS["conflict"] if status_code == status.HTTP_409_CONFLICT else KINDS["refused"]
    kind = KINDS.get(code, fallback)
    status_code = status_code or kind[0]
    body: dict[str, Any] = {
        "type": f"urn:fastlege:problem:{code}",
        "title": kind[1],
        "status": status_code,
        "detail": detail,
        "code": code,
        "title_en": kind[2],
        "detail_en": detail_en,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers)
    response.content_type = CONTENT_TYPE
    return response


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                out += _field_errors(value, f"{prefix}[{key}]")  # an item of a list
                continue
            name = key if key != "non_field_errors" else ""
            out += _field_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, str):
                out += _field_errors(value, f"{prefix}[{i}]")
            else:
                out += _field_errors(value, prefix)
    else:
        out.append(
            {"field": prefix, "code": getattr(detail, "code", "invalid"), "detail": str(detail)}
        )
    return out


def _domain_status(code: str) -> int:
    if code == "not_authorised":
        return status.HTTP_403_FORBIDDEN
    if code.startswith("unknown_") or code.endswith("_not_found"):
        return status.HTTP_404_NOT_FOUND
    if code in CONFLICT_CODES:
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_ENTITY


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: every error as a problem; writes rolled back."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    set_rollback()
    if isinstance(exc, DomainError):
        code = str(exc.code or "refused")
        status_code = _domain_status(code)
        return problem(
            code,
            exc.messages[0],
            getattr(exc, "english", exc.messages[0]),
            status_code=status_code,
            errors=_where(exc, code, exc.messages[0]),
            instance=instance,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handler and the error log
    headers: dict[str, str] = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        auth_header = getattr(context.get("view"), "get_authenticate_header", None)
        if auth_header and request is not None:
            value = auth_header(request)
            if value:
                headers["WWW-Authenticate"] = value
    if isinstance(exc, exceptions.ValidationError):
        code = getattr(exc, "problem_code", "invalid")
        errors = _field_errors(exc.detail)
        if code == "invalid" and any(e["code"] == "unknown_field" for e in errors):
            code = "unknown_field"
            exc.english = UnknownField.english
        with translation.override("nb"):
            detail = "Forespørselen har ugyldige felt; se «errors»."
        if code != "invalid" and errors:
            detail = errors[0]["detail"]
        return problem(
            code,
            detail,
            getattr(exc, "english", ENGLISH_DETAILS["invalid"]),
            status_code=exc.status_code,
            errors=errors,
            instance=instance,
            headers=headers,
        )
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else "invalid"
    if code not in KINDS:
        code = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}.get(
            exc.status_code, "invalid"
        )
    return problem(
        code,
        str(exc.detail),
        getattr(exc, "english", ENGLISH_DETAILS.get(code, KINDS[code][2])),
        status_code=exc.status_code,
        errors=_where(exc, code, str(exc.detail)),
        instance=instance,
        headers=headers,
    )


def _where(exc: Exception, code: str, detail: str) -> list[dict[str, Any]] | None:
    """The item of a batch a refusal is about (``exc.field``, e.g. ``persons[3]``)."""
    field = getattr(exc, "field", None)
    return [{"field": field, "code": code, "detail": detail}] if field else None


class BadCursor(exceptions.ValidationError):
    problem_code = "bad_cursor"
    english = "The page cursor is invalid or has been changed; start again from the first page."


class UnknownField(exceptions.ValidationError):
    problem_code = "unknown_field"
    english = "The request names a field or filter this resource does not have; see 'errors'."
