"""How the OpenAPI description names the API's authentication (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "fastlege.api.auth.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "flk_<prefiks>.<hemmelighet>",
            "description": "API-nøkkel fra den nasjonale administratoren (docs/api.md).",
        }


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details, in Norwegian and English (docs/api.md).",
    "required": ["type", "title", "status", "detail", "code", "title_en", "detail_en"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "title_en": {"type": "string"},
        "detail_en": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "detail"],
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                },
            },
        },
    },
}
PROBLEM_STATUSES = {
    "400": "Ugyldig forespørsel (felt, filter, dato, sidemarkør)",
    "401": "Mangler eller ugyldig API-nøkkel",
    "403": "Nøkkelens rolle eller område tillater ikke dette",
    "404": "Finnes ikke, eller utenfor nøkkelens område",
    "405": "Metoden er ikke tillatt",
    "406": "Kan ikke levere det formatet",
    "409": "I strid med det som er registrert nå (avgjort, trukket eller forberedt av andre)",
    "415": "Ukjent innholdstype",
    "422": "Avvist etter reglene",
    "429": "For mange forespørsler",
}


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation may answer with a problem."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in PROBLEM_STATUSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result
