"""What /fhir/ supports, in one table (``TYPES``): the resource types, their search
parameters and how each is read. The views and the CapabilityStatement both read it,
so /fhir/metadata lists exactly what is answered.

Searching: every parameter at most once, with a value; unknown parameters, modifiers
(``name:exact``) and bad values are refused (400), never ignored. Pages are keyed by
the primary key: ``_count`` rows (1–1000, default 100), and a ``next`` link with a
signed ``_cursor`` (the API's keyset pages, ``api.pagination``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict

from fastlege.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, sign, unsign
from fastlege.api.problems import BadCursor
from fastlege.fhir import profiles as p
from fastlege.fhir import selectors
from fastlege.fhir.outcomes import FhirError, bad_parameter, not_found

#: Parameters every search takes besides its own. ``_cursor`` is only in ``next`` links.
COUNT, CURSOR, FORMAT = "_count", "_cursor", "_format"
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json", p.CONTENT_TYPE})


def _digits(n: int, what_nb: str, what_en: str) -> Callable[[str, str], str]:
    def check(name: str, value: str) -> str:
        if not (len(value) == n and value.isdigit()):
            raise bad_parameter(name, f"{what_nb} har {n} siffer.", f"{what_en} has {n} digits.")
        return value

    return check


def _text(name: str, value: str) -> str:
    if len(value) > 100:
        raise bad_parameter(name, "Høyst 100 tegn.", "At most 100 characters.")
    return value


def _reference(resource_type: str, digits: int) -> Callable[[str, str], str]:
    """A reference parameter: ``Type/id`` or the id alone (an HPR or organisation number)."""

    def check(name: str, value: str) -> str:
        id_ = value.removeprefix(f"{resource_type}/")
        if not (id_.isdigit() and len(id_) <= digits):
            raise bad_parameter(
                name,
                f"Skriv {resource_type}/<id> eller id-en (høyst {digits} siffer).",
                f"Give {resource_type}/<id> or the id (at most {digits} digits).",
            )
        return id_

    return check


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # the FHIR search parameter type
    definition: str
    documentation: str
    check: Callable[[str, str], str]


def _standard(resource_type: str, name: str) -> str:
    return f"http://hl7.org/fhir/SearchParameter/{resource_type}-{name}"


def _municipality(resource_type: str, what: str) -> Param:
    return Param(
        "municipality",
        "token",
        f"{p.CANONICAL}/SearchParameter/{resource_type}-municipality",
        f"Municipality number (kommunenummer, 4 digits): {what}.",
        _digits(4, "Kommunenummeret", "The municipality number"),
    )


def _name(resource_type: str, what: str) -> Param:
    return Param(
        "name",
        "string",
        _standard(resource_type, "name"),
        f"Every word begins a word of {what} (case-insensitive).",
        _text,
    )


@dataclass(frozen=True)
class ResourceType:
    name: str
    params: tuple[Param, ...]
    #: Every instance that can be read or found, on a day; filters as keyword arguments.
    query: Callable[..., QuerySet[Any]]
    #: The field the resource id is, in that query.
    id_field: str
    #: One page of rows to resources.
    render: Callable[[list[Any], datetime.date], list[dict[str, Any]]]
    id_digits: int
    documentation: str

    def param(self, name: str) -> Param | None:
        return next((x for x in self.params if x.name == name), None)


TYPES: dict[str, ResourceType] = {
    t.name: t
    for t in (
        ResourceType(
            "Practitioner",
            (
                _name("Practitioner", "the doctor's given or family name"),
                _municipality("Practitioner", "a GP or substitute on a list of the municipality"),
            ),
            selectors.practitioners,
            "hpr_number",
            selectors.practitioner_resources,
            9,
            "Doctors with a period (GP or substitute) on a list in force today; id = HPR number.",
        ),
        ResourceType(
            "Organization",
            (
                _name("Organization", "the practice's name"),
                _municipality("Organization", "the practice lies in the municipality"),
            ),
            lambda day, **kw: selectors.practices(**kw),
            "org_number",
            selectors.organization_resources,
            9,
            "GP practices (legekontor); id = organisation number.",
        ),
        ResourceType(
            "Location",
            (
                _name("Location", "the practice's name"),
                _municipality("Location", "the practice lies in the municipality"),
            ),
            lambda day, **kw: selectors.practices(**kw),
            "org_number",
            selectors.location_resources,
            9,
            "The practices' premises; id = the practice's organisation number.",
        ),
        ResourceType(
            "PractitionerRole",
            (
                _municipality("PractitionerRole", "the list's municipality"),
                Param(
                    "practitioner",
                    "reference",
                    _standard("PractitionerRole", "practitioner"),
                    "The list's regular GP now: Practitioner/<HPR number> or the number.",
                    _reference("Practitioner", 9),
                ),
                Param(
                    "organization",
                    "reference",
                    _standard("PractitionerRole", "organization"),
                    "The list's practice: Organization/<organisation number> or the number.",
                    _reference("Organization", 9),
                ),
            ),
            selectors.lists,
            "pk",
            selectors.role_resources,
            18,
            "GP lists (fastlegeavtaler) in force today, each as the role of its regular GP "
            "now, with the list's ceiling, length, free places and status; id = the list's id.",
        ),
    )
}


def resource_type(name: str) -> ResourceType:
    found = TYPES.get(name)
    if found is None:
        raise not_found()
    return found


def _single(query: QueryDict) -> dict[str, str]:
    """The query as one value per name; a repeated or empty parameter is refused."""
    out: dict[str, str] = {}
    for name, values in query.lists():
        if len(values) != 1:
            raise bad_parameter(name, "Oppgi parameteren én gang.", "Give the parameter once.")
        if values[0] == "":
            raise bad_parameter(name, "Tom verdi.", "Empty value.")
        out[name] = values[0]
    fmt = out.pop(FORMAT, None)
    if fmt is not None and fmt not in JSON_FORMATS:
        raise FhirError(
            "not_acceptable", "Bare JSON leveres (_format=json).", "Only JSON is served."
        )
    return out


def _refuse_unknown(names: list[str], allowed: set[str]) -> None:
    unknown = sorted(set(names) - allowed)
    if unknown:
        listed = ", ".join(unknown)
        raise FhirError(
            "unknown_parameter",
            f"Ukjent søkeparameter: {listed}. /fhir/metadata viser hva som støttes.",
            f"Unknown search parameter: {listed}. /fhir/metadata lists what is supported.",
        )


def read(kind: ResourceType, id_: str, query: QueryDict, day: datetime.date) -> dict[str, Any]:
    _refuse_unknown(list(_single(query)), set())
    if not (id_.isdigit() and len(id_) <= kind.id_digits):
        raise not_found(kind.name, id_)
    row = kind.query(day).filter(**{kind.id_field: id_}).first()
    if row is None:
        raise not_found(kind.name, id_)
    return kind.render([row], day)[0]


@dataclass
class Page:
    resources: list[dict[str, Any]]
    total: int
    next_query: str | None  # the query string of the next page


def search(kind: ResourceType, query: QueryDict, path: str, day: datetime.date) -> Page:
    values = _single(query)
    _refuse_unknown(list(values), {x.name for x in kind.params} | {COUNT, CURSOR})
    filters = {
        name: kind.param(name).check(name, value)  # type: ignore[union-attr]
        for name, value in values.items()
        if name not in (COUNT, CURSOR)
    }
    limit = _count(values.get(COUNT))
    qs = kind.query(day, **filters)
    total = qs.count()
    if CURSOR in values:
        try:
            qs = qs.filter(pk__gt=unsign(values[CURSOR], path))
        except BadCursor:
            raise FhirError(
                "bad_cursor",
                "Sidemarkøren er ugyldig eller endret; begynn på første side.",
                "The page cursor is invalid or has been changed; start from the first page.",
            ) from None
    rows: list[Model] = list(qs[: limit + 1])
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = query.copy()
        nxt[CURSOR] = sign(rows[-1].pk, path)
        nxt[COUNT] = str(limit)
        following = nxt.urlencode()
    return Page(kind.render(rows, day), total, following)


def _count(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise bad_parameter(
            COUNT, f"Et heltall fra 1 til {MAX_LIMIT}.", f"An integer from 1 to {MAX_LIMIT}."
        )
    return int(raw)


def bundle(request: HttpRequest, kind: ResourceType, page: Page) -> dict[str, Any]:
    """A searchset Bundle of one page, with ``self`` and ``next`` links."""
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if page.next_query is not None:
        links.append({"relation": "next", "url": request.build_absolute_uri(f"?{page.next_query}")})
    body: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": page.total,
        "link": links,
    }
    if page.resources:  # FHIR JSON has no empty arrays
        body["entry"] = [
            {
                "fullUrl": request.build_absolute_uri(f"/fhir/{kind.name}/{r['id']}"),
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in page.resources
        ]
    return body
