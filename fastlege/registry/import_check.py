"""Checking a municipality's registry files line by line against the rules and the registry.

``Check.run`` reads every table (``registry.import_files``) and builds a ``Plan``:
what to create, what to update and what is already there, matched by the natural
keys (organisation number, HPR number, the file's agreement id, identity number +
agreement + start day). Every bad line becomes a ``Problem``; a line that refers to
a bad line elsewhere is not reported twice. ``members.csv`` is checked by
``registry.import_members``. Nothing is written here (``registry.services.file_import``
writes the plan).

The rules checked, besides each cell's format:

* every practice and agreement belongs to the importing municipality;
* the list ceiling (fastlegeforskriften § 10) and the regular GP's competence on the
  day they got the list (kompetanseforskriften § 3);
* periods are half-open and end after they start; a person's places on lists do not
  overlap, in the files or with what the registry already holds (one list at a time),
  and lie within their agreement's period; an agreement has one regular GP at a time;
* a person registered as dead or emigrated gets no open place.

A list longer than its ceiling, and a regular GP past the age limit, are warnings,
not errors: a real list may be above its ceiling (a reduction follows, § 11), and an
extension decided in the old system is not in the files (the monthly update ends an
agreement at the age limit unless one is registered).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fastlege.reference.models import Municipality, PostalCode
from fastlege.registry import import_files as f
from fastlege.registry import rules
from fastlege.registry.import_files import CellError, Problem, Table
from fastlege.registry.import_members import MemberCheck
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Practice,
)
from fastlege.registry.periods import in_force, periods_overlap
from fastlege.registry.validators import validate_hpr_number, validate_org_number

SEX = {"k": "K", "kvinne": "K", "m": "M", "mann": "M"}
SPECIALTY = {str(v): str(v) for v in Doctor.Specialty.values}
PRACTICE_FIELDS = ("name", "address", "postal_code_id", "is_municipal")
DOCTOR_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "specialty",
    "alis_from",
    "alis_to",
    "speaks_sami",
    "competence_exemption",
    "competence_exemption_until",
)
AGREEMENT_FIELDS = (
    "ceiling",
    "low_ceiling_approved",
    "is_open",
    "locked_by_hand",
    "is_shared_list",
    "is_salaried",
    "valid_to",
)


@dataclass
class Plan:
    """What an import would do. ``new_*``: rows to create (field values by natural key);
    ``changed_*``: (existing object, {field: new value}); ``unchanged``: counts."""

    new_practices: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed_practices: list[tuple[Practice, dict[str, Any]]] = field(default_factory=list)
    new_doctors: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed_doctors: list[tuple[Doctor, dict[str, Any]]] = field(default_factory=list)
    new_agreements: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed_agreements: list[tuple[Agreement, dict[str, Any]]] = field(default_factory=list)
    #: (agreement key, HPR, from, to, percentage)
    new_gp_periods: list[tuple[str, str, datetime.date, datetime.date | None, int]] = field(
        default_factory=list
    )
    changed_gp_periods: list[tuple[DoctorPeriod, dict[str, Any]]] = field(default_factory=list)
    new_residents: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (identity number, agreement key, field values)
    new_memberships: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    changed_memberships: list[tuple[ListMembership, dict[str, Any]]] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Check:
    """One run over the files of one municipality (``today``: the day rules are read on)."""

    def __init__(self, municipality: Municipality, today: datetime.date) -> None:
        self.muni = municipality
        self.today = today
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.plan = Plan()
        self.municipalities = set(Municipality.objects.values_list("number", flat=True))
        # Keys seen in each file, valid or not: a reference to a bad line is not reported.
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.practices: dict[str, int | None] = {}  # org -> existing pk (None: new)
        self.doctors: dict[str, dict[str, Any]] = {}  # HPR -> field values (file or db)
        self.agreements: dict[str, dict[str, Any]] = {}  # key -> values (file or db)

    # --- helpers ---------------------------------------------------------------

    def cell(
        self, table: Table, line: int, column: str, parse: Callable[..., Any], *args: Any, **kw: Any
    ) -> Any:
        """``parse(*args, **kw)``, or None with a problem at (file, line, column)."""
        try:
            return parse(*args, **kw)
        except CellError as exc:
            self.problems.append(Problem(table.file, line, column, str(exc)))
        except ValidationError as exc:
            self.problems.append(Problem(table.file, line, column, " ".join(exc.messages)))
        return None

    def bad(self, table: Table, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(table.file, line, column, message))

    def duplicate(
        self, table: Table, first: dict[Any, int], key: Any, line: int, column: str
    ) -> bool:
        if key in first:
            self.bad(
                table, line, column, _("Står allerede på linje %(line)s.") % {"line": first[key]}
            )
            return True
        first[key] = line
        return False

    def own_municipality(self, table: Table, line: int, column: str, number: str) -> bool:
        if number not in self.municipalities:
            self.bad(table, line, column, _("Ukjent kommunenummer."))
            return False
        if number != self.muni.number:
            self.bad(
                table,
                line,
                column,
                _(
                    "Gjelder kommune %(other)s; her kan bare legekontorer og avtaler i "
                    "%(own)s leses inn."
                )
                % {"other": number, "own": self.muni.name},
            )
            return False
        return True

    def postal_codes(self, tables: Iterable[Table | None]) -> set[str]:
        wanted = {row.get("postnr", "") for t in tables if t for _line, row in t.rows} - {""}
        return set(PostalCode.objects.filter(code__in=wanted).values_list("code", flat=True))

    # --- the run ---------------------------------------------------------------

    def run(self, tables: dict[str, Table]) -> Plan:
        self.known_postal_codes = self.postal_codes(
            [tables.get("practices"), tables.get("members")]
        )
        if "practices" in tables:
            self.check_practices(tables["practices"])
        if "gps" in tables:
            self.check_gps(tables["gps"])
        if "agreements" in tables:
            self.check_agreements(tables["agreements"])
        if "members" in tables:
            self.check_members(tables["members"])
        return self.plan

    def postal(self, table: Table, line: int, code: str) -> str | None:
        if code and code not in self.known_postal_codes:
            self.bad(table, line, "postnr", _("Ukjent postnummer."))
            return None
        return code or None

    # --- practices.csv ---------------------------------------------------------

    def check_practices(self, table: Table) -> None:
        first: dict[Any, int] = {}
        rows: dict[str, dict[str, Any]] = {}
        for line, row in table.rows:
            before = len(self.problems)
            org = self.cell(table, line, "orgnr", _org, row["orgnr"])
            if org:
                self.seen["practices"].add(org)
                if self.duplicate(table, first, org, line, "orgnr"):
                    continue
            values = {
                "name": self.cell(table, line, "navn", f.text, row["navn"], 150, needed=True),
                "address": self.cell(table, line, "adresse", f.text, row.get("adresse", ""), 200),
                "postal_code_id": self.postal(table, line, row.get("postnr", "")),
                "is_municipal": self.cell(
                    table, line, "kommunalt", f.yes_no, row.get("kommunalt", "")
                ),
            }
            self.own_municipality(table, line, "kommunenr", row["kommunenr"])
            if len(self.problems) == before and org:
                rows[org] = values
        existing = {p.org_number: p for p in Practice.objects.filter(org_number__in=list(rows))}
        for org, values in rows.items():
            practice = existing.get(org)
            if practice is None:
                self.plan.new_practices[org] = {**values, "org_number": org}
                self.practices[org] = None
            elif practice.municipality_id != self.muni.number:
                self.bad(
                    table,
                    first[org],
                    "orgnr",
                    _("Legekontoret er registrert i en annen kommune."),
                )
            else:
                self.practices[org] = practice.pk
                self._compare(
                    "practices", practice, values, PRACTICE_FIELDS, self.plan.changed_practices
                )

    def _compare(
        self,
        kind: str,
        obj: Any,
        values: dict[str, Any],
        fields: tuple[str, ...],
        changed: list[tuple[Any, dict[str, Any]]],
    ) -> None:
        diff = {k: values[k] for k in fields if getattr(obj, k) != values[k]}
        if diff:
            changed.append((obj, diff))
        else:
            self.plan.unchanged[kind] += 1

    # --- gps.csv ---------------------------------------------------------------

    def check_gps(self, table: Table) -> None:
        first: dict[Any, int] = {}
        rows: dict[str, dict[str, Any]] = {}
        for line, row in table.rows:
            before = len(self.problems)
            hpr = self.cell(table, line, "hpr", _hpr, row["hpr"])
            if hpr:
                self.seen["gps"].add(hpr)
                if self.duplicate(table, first, hpr, line, "hpr"):
                    continue
            values = {
                "first_name": self.cell(
                    table, line, "fornavn", f.text, row["fornavn"], 80, needed=True
                ),
                "last_name": self.cell(
                    table, line, "etternavn", f.text, row["etternavn"], 80, needed=True
                ),
                "birth_date": self.cell(
                    table, line, "fodselsdato", f.date, row["fodselsdato"], needed=True
                ),
                "sex": self.cell(table, line, "kjonn", _required_choice, row["kjonn"], SEX),
                "specialty": self.cell(
                    table,
                    line,
                    "spesialitet",
                    f.choice,
                    row.get("spesialitet", ""),
                    SPECIALTY,
                    default="ingen",
                ),
                "alis_from": self.cell(table, line, "alis_fra", f.date, row.get("alis_fra", "")),
                "alis_to": self.cell(table, line, "alis_til", f.date, row.get("alis_til", "")),
                "speaks_sami": self.cell(
                    table, line, "samisktalende", f.yes_no, row.get("samisktalende", "")
                ),
                "competence_exemption": self.cell(
                    table,
                    line,
                    "kompetanseunntak",
                    f.text,
                    row.get("kompetanseunntak", ""),
                    2000,
                ),
                "competence_exemption_until": self.cell(
                    table,
                    line,
                    "kompetanseunntak_til",
                    f.date,
                    row.get("kompetanseunntak_til", ""),
                ),
            }
            if (
                values["alis_from"]
                and values["alis_to"]
                and values["alis_to"] <= values["alis_from"]
            ):
                self.bad(table, line, "alis_til", f.period_message())
            if len(self.problems) == before and hpr:
                rows[hpr] = values
        existing = {d.hpr_number: d for d in Doctor.objects.filter(hpr_number__in=list(rows))}
        for hpr, values in rows.items():
            self.doctors[hpr] = values
            doctor = existing.get(hpr)
            if doctor is None:
                self.plan.new_doctors[hpr] = {**values, "hpr_number": hpr}
            else:
                self._compare("gps", doctor, values, DOCTOR_FIELDS, self.plan.changed_doctors)

    # --- agreements.csv --------------------------------------------------------

    def check_agreements(self, table: Table) -> None:
        first: dict[Any, int] = {}
        rows: dict[str, tuple[int, dict[str, Any]]] = {}
        for line, row in table.rows:
            before = len(self.problems)
            key = self.cell(table, line, "avtale_id", f.text, row["avtale_id"], 40, needed=True)
            if key:
                self.seen["agreements"].add(key)
                if self.duplicate(table, first, key, line, "avtale_id"):
                    continue
            self.own_municipality(table, line, "kommunenr", row["kommunenr"])
            values = self._agreement_values(table, line, row)
            if len(self.problems) == before and key:
                rows[key] = (line, values)
        self._practices_of(rows, table)
        self._doctors_of({v["gp_hpr"] for _line, v in rows.values() if v["gp_hpr"]})
        existing = {
            a.external_id: a
            for a in Agreement.objects.filter(municipality=self.muni, external_id__in=list(rows))
        }
        periods: dict[int, list[DoctorPeriod]] = defaultdict(list)
        for period in DoctorPeriod.objects.filter(
            agreement__in=list(existing.values()), role=DoctorPeriod.Role.REGULAR
        ).select_related("doctor"):
            periods[period.agreement_id].append(period)
        for key, (line, values) in rows.items():
            before = len(self.problems)
            self._agreement_rules(table, line, values)
            agreement = existing.get(key)
            values["pk"] = agreement.pk if agreement is not None else None
            if agreement is not None:
                self._compare_agreement(table, line, key, agreement, values, periods[agreement.pk])
            elif len(self.problems) == before:
                self.plan.new_agreements[key] = values
                if values["gp_hpr"]:
                    self.plan.new_gp_periods.append(_gp_period(key, values))
            if len(self.problems) == before:
                self.agreements[key] = values

    def _agreement_values(self, table: Table, line: int, row: dict[str, str]) -> dict[str, Any]:
        cell = self.cell
        values = {
            "org": cell(table, line, "orgnr", _org, row["orgnr"]),
            "ceiling": cell(table, line, "listetak", f.integer, row["listetak"]),
            "low_ceiling_approved": cell(
                table,
                line,
                "listetak_under_500_godkjent",
                f.yes_no,
                row.get("listetak_under_500_godkjent", ""),
            ),
            "is_open": cell(table, line, "apen", f.yes_no, row.get("apen", ""), True),
            "is_shared_list": cell(
                table, line, "fellesliste", f.yes_no, row.get("fellesliste", "")
            ),
            "is_salaried": cell(table, line, "fastlonnet", f.yes_no, row.get("fastlonnet", "")),
            "valid_from": cell(table, line, "gyldig_fra", f.date, row["gyldig_fra"], needed=True),
            "valid_to": cell(table, line, "gyldig_til", f.date, row.get("gyldig_til", "")),
            "gp_hpr": cell(
                table,
                line,
                "fastlege_hpr",
                _optional_hpr,
                row.get("fastlege_hpr", ""),
            ),
            "gp_from": cell(table, line, "fastlege_fra", f.date, row.get("fastlege_fra", "")),
            "percentage": cell(
                table,
                line,
                "stillingsprosent",
                f.integer,
                row.get("stillingsprosent", ""),
                default=100,
            ),
        }
        values["locked_by_hand"] = values["is_open"] is False
        return values

    def _practices_of(self, rows: dict[str, tuple[int, dict[str, Any]]], table: Table) -> None:
        wanted = {v["org"] for _line, v in rows.values()} - set(self.practices)
        for org, pk, muni in Practice.objects.filter(org_number__in=wanted).values_list(
            "org_number", "pk", "municipality_id"
        ):
            if muni == self.muni.number:
                self.practices[org] = pk
        for key, (line, values) in list(rows.items()):
            org = values["org"]
            if org in self.practices:
                continue
            if org not in self.seen["practices"]:
                self.bad(
                    table,
                    line,
                    "orgnr",
                    _(
                        "Legekontoret finnes verken i practices.csv eller blant kommunens "
                        "legekontorer."
                    ),
                )
            del rows[key]

    def _doctors_of(self, hprs: set[str]) -> None:
        wanted = hprs - set(self.doctors)
        for doctor in Doctor.objects.filter(hpr_number__in=wanted):
            self.doctors[doctor.hpr_number] = {k: getattr(doctor, k) for k in DOCTOR_FIELDS}

    def _agreement_rules(self, table: Table, line: int, v: dict[str, Any]) -> None:
        low, high = rules.ceiling_limits(self.today)
        if not low <= v["ceiling"] <= high:
            self.bad(
                table,
                line,
                "listetak",
                _("Listetaket må være mellom %(low)s og %(high)s (fastlegeforskriften § 10).")
                % {"low": low, "high": high},
            )
        elif (
            rules.ceiling_needs_approval(v["ceiling"], self.today) and not v["low_ceiling_approved"]
        ):
            self.bad(
                table,
                line,
                "listetak_under_500_godkjent",
                _("Listetak under 500 må godkjennes av kommunen (fastlegeforskriften § 10)."),
            )
        if v["valid_to"] and v["valid_to"] <= v["valid_from"]:
            self.bad(table, line, "gyldig_til", f.period_message())
            return
        if not v["gp_hpr"]:
            if v["gp_from"]:
                self.bad(
                    table,
                    line,
                    "fastlege_fra",
                    _("Oppgi fastlege_hpr når fastlege_fra er fylt ut."),
                )
            return
        v["gp_from"] = v["gp_from"] or v["valid_from"]
        if not in_force(v["valid_from"], v["valid_to"], v["gp_from"]):
            self.bad(table, line, "fastlege_fra", _("Datoen ligger utenfor avtalens gyldighet."))
        if not 1 <= v["percentage"] <= 100:
            self.bad(
                table, line, "stillingsprosent", _("Stillingsprosenten må være mellom 1 og 100.")
            )
        doctor = self.doctors.get(v["gp_hpr"])
        if doctor is None:
            if v["gp_hpr"] not in self.seen["gps"]:
                self.bad(
                    table,
                    line,
                    "fastlege_hpr",
                    _("Legen finnes verken i gps.csv eller i registeret."),
                )
            return
        if not rules.meets_competence_requirement(
            v["gp_from"],
            specialist=doctor["specialty"] == Doctor.Specialty.SPECIALIST,
            alis_from=doctor["alis_from"],
            alis_to=doctor["alis_to"],
            exemption=bool((doctor["competence_exemption"] or "").strip()),
            exemption_until=doctor["competence_exemption_until"],
        ):
            self.bad(
                table,
                line,
                "fastlege_hpr",
                _(
                    "Legen oppfyller ikke kompetansekravet for fastleger fra %(date)s "
                    "(kompetanseforskriften § 3)."
                )
                % {"date": f"{v['gp_from']:%d.%m.%Y}"},
            )
        on = max(self.today, v["gp_from"])
        if in_force(v["valid_from"], v["valid_to"], on) and not rules.may_hold_agreement(
            doctor["birth_date"], on
        ):
            self.warnings.append(
                Problem(
                    table.file,
                    line,
                    "fastlege_hpr",
                    _(
                        "Legen har nådd aldersgrensen (fastlegeforskriften § 12). Registrer "
                        "forlengelsen, ellers avslutter månedskjøringen avtalen."
                    ),
                )
            )

    def _compare_agreement(
        self,
        table: Table,
        line: int,
        key: str,
        agreement: Agreement,
        v: dict[str, Any],
        periods: list[DoctorPeriod],
    ) -> None:
        if (
            agreement.practice_id != self.practices.get(v["org"])
            or agreement.valid_from != v["valid_from"]
        ):
            self.bad(
                table,
                line,
                "avtale_id",
                _(
                    "Avtalen finnes i registeret med et annet legekontor eller en annen "
                    "startdato; det kan ikke endres ved innlesing."
                ),
            )
            return
        self._compare("agreements", agreement, v, AGREEMENT_FIELDS, self.plan.changed_agreements)
        if not v["gp_hpr"]:
            return
        same = [
            p
            for p in periods
            if p.doctor.hpr_number == v["gp_hpr"] and p.valid_from == v["gp_from"]
        ]
        if same:
            if same[0].valid_to != v["valid_to"]:
                self.plan.changed_gp_periods.append((same[0], {"valid_to": v["valid_to"]}))
            else:
                self.plan.unchanged["gp_periods"] += 1
        elif any(
            periods_overlap(p.valid_from, p.valid_to, v["gp_from"], v["valid_to"]) for p in periods
        ):
            self.bad(
                table,
                line,
                "fastlege_hpr",
                _("Listen har en annen fastlege i registeret i den samme perioden."),
            )
        else:
            self.plan.new_gp_periods.append(_gp_period(key, v))

    def check_members(self, table: Table) -> None:
        MemberCheck(self).run(table)


def _org(value: str) -> str:
    number = f.required(value).replace(" ", "")
    validate_org_number(number)
    return number


def _required_choice(value: str, choices: dict[str, str]) -> str:
    return f.required(f.choice(value, choices))


def _optional_hpr(value: str) -> str:
    return _hpr(value) if value else ""


def _hpr(value: str) -> str:
    number = f.required(value).replace(" ", "")
    validate_hpr_number(number)
    return number


def _gp_period(
    key: str, v: dict[str, Any]
) -> tuple[str, str, datetime.date, datetime.date | None, int]:
    return (key, v["gp_hpr"], v["gp_from"], v["valid_to"], v["percentage"])
