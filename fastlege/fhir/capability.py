"""/fhir/metadata: the CapabilityStatement, written from ``search.TYPES`` so that it
lists exactly what the server answers (read and search-type, the search parameters)."""

from __future__ import annotations

from typing import Any

from fastlege.fhir import profiles as p
from fastlege.fhir.search import COUNT, TYPES

#: The day this statement last changed (CapabilityStatement.date is required).
DATE = "2026-12-04"


def capability_statement(base_url: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": DATE,
        "publisher": "fastlege",
        "kind": "instance",
        "software": {"name": "fastlege"},
        "implementation": {
            "description": "Fastlegeordningen: GPs, practices and GP lists (read only)",
            "url": base_url,
        },
        "fhirVersion": p.FHIR_VERSION,
        "format": [p.CONTENT_TYPE, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Open data about GPs and practices (no personal data of residents): "
                    "no token needed; calls are rate limited per client address like the "
                    "API's calls without a token. Search pages: _count (1-1000, default 100) "
                    "and the Bundle's next link."
                ),
                "resource": [
                    {
                        "type": kind.name,
                        "profile": p.PROFILE[kind.name],
                        "documentation": kind.documentation,
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "readHistory": False,
                        "updateCreate": False,
                        "searchParam": [
                            {
                                "name": param.name,
                                "definition": param.definition,
                                "type": param.type,
                                "documentation": param.documentation,
                            }
                            for param in kind.params
                        ]
                        + [
                            {
                                "name": COUNT,
                                "type": "number",
                                "documentation": "Entries per page, 1-1000 (default 100).",
                            }
                        ],
                    }
                    for kind in TYPES.values()
                ],
            }
        ],
    }
