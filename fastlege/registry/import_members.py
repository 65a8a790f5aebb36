"""Checking ``members.csv``: each person's places on lists (``registry.import_check``).

A place is matched by identity number + agreement + start day. A person's places may
not overlap in the file or with the places the registry already has (one list at a
time), and lie within their agreement's period; a person registered as dead or
emigrated gets no open place. A list that would be above its ceiling today is a
warning. Reasons never repeat an identity number.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from fastlege.core.identity import ParsedNin, parse_nin
from fastlege.registry import import_files as f
from fastlege.registry.import_files import Problem, Table
from fastlege.registry.models import Agreement, ListMembership, Resident
from fastlege.registry.periods import in_force, periods_overlap

if TYPE_CHECKING:
    from fastlege.registry.import_check import Check

CHUNK = 500
MEMBER_END = {str(v): str(v) for v in ListMembership.EndReason.values}


@dataclass
class _Member:
    line: int
    nin: str
    agreement: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    end_reason: str


class MemberCheck:
    """The members part of one ``Check`` run (``c``: the run, its plan and problems)."""

    def __init__(self, check: Check) -> None:
        self.c = check

    def run(self, table: Table) -> None:
        first: dict[Any, int] = {}
        by_person: dict[str, list[_Member]] = defaultdict(list)
        people: dict[str, dict[str, Any]] = {}
        for line, row in table.rows:
            before = len(self.c.problems)
            parsed: ParsedNin | None = self.c.cell(
                table, line, "fodselsnummer", _nin, row["fodselsnummer"]
            )
            names = (
                self.c.cell(table, line, "fornavn", f.text, row["fornavn"], 80, needed=True),
                self.c.cell(table, line, "etternavn", f.text, row["etternavn"], 80, needed=True),
            )
            home = row.get("bostedskommune", "") or self.c.muni.number
            if home not in self.c.municipalities:
                self.c.bad(table, line, "bostedskommune", _("Ukjent kommunenummer."))
            postal = self.c.postal(table, line, row.get("postnr", ""))
            key = row["avtale_id"]
            if not key:
                self.c.bad(table, line, "avtale_id", _("Feltet må fylles ut."))
            start = self.c.cell(table, line, "fra", f.date, row["fra"], needed=True)
            end = self.c.cell(table, line, "til", f.date, row.get("til", ""))
            reason = self.c.cell(
                table, line, "sluttarsak", f.choice, row.get("sluttarsak", ""), MEMBER_END
            )
            if start and end and end <= start:
                self.c.bad(table, line, "til", f.period_message())
            if reason and not end:
                self.c.bad(table, line, "sluttarsak", _("Sluttårsak krever en dato i til."))
            if len(self.c.problems) != before or parsed is None:
                continue
            nin = parsed.number
            if self.c.duplicate(table, first, (nin, key, start), line, "fra"):
                continue
            member = _Member(line, nin, key, start, end, reason or "")
            clash = next(
                (
                    m
                    for m in by_person[nin]
                    if periods_overlap(m.valid_from, m.valid_to, start, end)
                ),
                None,
            )
            if clash is not None:
                self.c.bad(
                    table,
                    line,
                    "fra",
                    _(
                        "Overlapper listeplassen på linje %(line)s for samme person "
                        "(én fastlegeliste om gangen)."
                    )
                    % {"line": clash.line},
                )
                continue
            by_person[nin].append(member)
            people.setdefault(
                nin,
                {
                    "first_name": names[0],
                    "last_name": names[1],
                    "birth_date": parsed.birth_date,
                    "sex": parsed.sex,
                    "municipality_id": home,
                    "postal_code_id": postal,
                },
            )
        self._member_agreements(table, by_person)
        self._members_against_registry(table, by_person, people)

    def _member_agreements(self, table: Table, by_person: dict[str, list[_Member]]) -> None:
        """Each place's agreement: in agreements.csv, or already in the registry with that
        id; and the place lies within the agreement's period."""
        wanted = {m.agreement for ms in by_person.values() for m in ms} - set(self.c.agreements)
        for agreement in Agreement.objects.filter(municipality=self.c.muni, external_id__in=wanted):
            self.c.agreements[agreement.external_id] = {
                "pk": agreement.pk,
                "valid_from": agreement.valid_from,
                "valid_to": agreement.valid_to,
                "ceiling": agreement.ceiling,
            }
        for nin, members in by_person.items():
            kept = []
            for m in members:
                known = self.c.agreements.get(m.agreement)
                if known is None:
                    if m.agreement not in self.c.seen["agreements"]:
                        self.c.bad(
                            table,
                            m.line,
                            "avtale_id",
                            _(
                                "Avtalen finnes verken i agreements.csv eller blant kommunens "
                                "avtaler."
                            ),
                        )
                    continue
                a_from, a_to = known["valid_from"], known["valid_to"]
                if m.valid_from < a_from or (a_to and (m.valid_to is None or m.valid_to > a_to)):
                    self.c.bad(
                        table, m.line, "fra", _("Listeplassen ligger utenfor avtalens gyldighet.")
                    )
                    continue
                kept.append(m)
            by_person[nin] = kept

    def _members_against_registry(
        self, table: Table, by_person: dict[str, list[_Member]], people: dict[str, dict[str, Any]]
    ) -> None:
        nins = [n for n, ms in by_person.items() if ms]
        residents: dict[str, tuple[int, str]] = {}
        for i in range(0, len(nins), CHUNK):
            for pk, nin, status in Resident.objects.filter(nin__in=nins[i : i + CHUNK]).values_list(
                "pk", "nin", "status"
            ):
                residents[nin] = (pk, status)
        held: dict[int, list[ListMembership]] = defaultdict(list)
        ids = [pk for pk, _status in residents.values()]
        for i in range(0, len(ids), CHUNK):
            for membership in ListMembership.objects.filter(resident_id__in=ids[i : i + CHUNK]):
                held[membership.resident_id].append(membership)
        on_list: dict[str, set[Any]] = defaultdict(set)  # agreement key -> people in force today
        for nin in nins:
            found = residents.get(nin)
            if found is None:
                self.c.plan.new_residents[nin] = people[nin]
            else:
                self.c.plan.unchanged["residents"] += 1
            for m in by_person[nin]:
                if self._member_plan(table, m, found, held) and in_force(
                    m.valid_from, m.valid_to, self.c.today
                ):
                    on_list[m.agreement].add(found[0] if found else nin)
        self._over_ceiling(table, by_person, residents, on_list)

    def _member_plan(
        self,
        table: Table,
        m: _Member,
        found: tuple[int, str] | None,
        held: dict[int, list[ListMembership]],
    ) -> bool:
        agreement_pk = self.c.agreements[m.agreement].get("pk")
        values = {"valid_to": m.valid_to, "end_reason": m.end_reason}
        if found is None:
            self.c.plan.new_memberships.append(
                (m.nin, m.agreement, {"valid_from": m.valid_from, **values})
            )
            return True
        pk, status = found
        if status != Resident.Status.RESIDENT and m.valid_to is None:
            self.c.bad(
                table,
                m.line,
                "fodselsnummer",
                _("Personen er ikke registrert som bosatt og kan ikke få en åpen listeplass."),
            )
            return False
        mine = held[pk]
        same = next(
            (h for h in mine if h.agreement_id == agreement_pk and h.valid_from == m.valid_from),
            None,
        )
        others = [h for h in mine if h is not same]
        if any(periods_overlap(h.valid_from, h.valid_to, m.valid_from, m.valid_to) for h in others):
            self.c.bad(
                table,
                m.line,
                "fra",
                _(
                    "Overlapper en listeplass personen allerede har i registeret "
                    "(én fastlegeliste om gangen)."
                ),
            )
            return False
        if same is None:
            self.c.plan.new_memberships.append(
                (m.nin, m.agreement, {"valid_from": m.valid_from, **values})
            )
        elif (same.valid_to, same.end_reason) != (m.valid_to, m.end_reason):
            self.c.plan.changed_memberships.append((same, values))
        else:
            self.c.plan.unchanged["members"] += 1
        return True

    def _over_ceiling(
        self,
        table: Table,
        by_person: dict[str, list[_Member]],
        residents: dict[str, tuple[int, str]],
        on_list: dict[str, set[Any]],
    ) -> None:
        """Warn of lists above their ceiling today: the file's places in force today, and
        the registry's current members of the list that the files do not mention."""
        in_files: dict[str, set[int]] = defaultdict(set)
        for nin, members in by_person.items():
            if nin in residents:
                for m in members:
                    in_files[m.agreement].add(residents[nin][0])
        for key, people in on_list.items():
            agreement = self.c.agreements[key]
            count = len(people)
            if agreement.get("pk"):
                count += (
                    ListMembership.objects.filter(agreement_id=agreement["pk"])
                    .filter(valid_from__lte=self.c.today)
                    .exclude(valid_to__lte=self.c.today)
                    .exclude(resident_id__in=in_files[key])
                    .count()
                )
            if count > agreement["ceiling"]:
                self.c.warnings.append(
                    Problem(
                        table.file,
                        0,
                        "avtale_id",
                        _(
                            "Liste %(key)s får %(count)s innbyggere, over listetaket %(ceiling)s "
                            "(listereduksjon, fastlegeforskriften § 11)."
                        )
                        % {"key": key, "count": count, "ceiling": agreement["ceiling"]},
                    )
                )


def _nin(value: str) -> ParsedNin:
    return parse_nin(f.required(value))
