"""Loading a population projection per municipality (SSB's table format).

The file has a header and one row per municipality and year: municipality
(``5001``, ``K-5001`` or ``5001 Trondheim``), year and people. ``;``, ``,`` or a tab
separates the cells (SSB's downloads use ``;``). The whole file is refused, with every
bad line reported, when any line names an unknown municipality, a year or count that
is not a whole number, a negative count, a duplicate municipality and year, or when a
municipality lacks one of the file's years; nothing is loaded then. A good file
replaces the previous projection in one transaction with an audit row.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.core import audit
from fastlege.reference.models import Municipality
from fastlege.registry.services.access import require_system_or_national
from fastlege.workforce.models import PopulationProjection

from .errors import PopulationFileRefused

MUNICIPALITY_HEADERS = ("kommunenummer", "kommunenr", "kommune", "region", "municipality")
YEAR_HEADERS = ("år", "aar", "year", "tid")
PEOPLE_HEADERS = ("personer", "folkemengde", "folketall", "people", "value", "verdi", "antall")
MUNICIPALITY_CODE = re.compile(r"^\s*(?:K-)?(\d{4})\b")
YEAR_RANGE = (1900, 2200)


@dataclass(frozen=True)
class Row:
    line: int
    municipality: str
    year: int
    people: int


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().strip('"').lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def parse_population(text: str) -> list[Row]:
    """The rows of a projection file, or ``PopulationFileRefused`` with every bad line."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PopulationFileRefused([(1, _("Filen er tom."))])
    first = lines[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    cols = (
        _column(header, MUNICIPALITY_HEADERS),
        _column(header, YEAR_HEADERS),
        _column(header, PEOPLE_HEADERS),
    )
    m_col, y_col, p_col = cols
    if m_col is None or y_col is None or p_col is None:
        raise PopulationFileRefused(
            [(1, _("Overskriften må ha kolonnene kommunenummer, år og personer."))]
        )
    known = set(Municipality.objects.values_list("number", flat=True))
    problems: list[tuple[int, str]] = []
    rows: list[Row] = []
    first_line: dict[tuple[str, int], int] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) <= max(m_col, y_col, p_col):
            problems.append((line_no, _("For få kolonner.")))
            continue
        line_problems = []
        match = MUNICIPALITY_CODE.match(cells[m_col])
        number = match.group(1) if match else ""
        if not number:
            line_problems.append(_("Mangler kommunenummer."))
        elif number not in known:
            line_problems.append(_("Ukjent kommunenummer %(n)s.") % {"n": number})
        year_text = cells[y_col].strip()
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            line_problems.append(_("Ugyldig år «%(y)s».") % {"y": year_text})
        people_text = cells[p_col].strip().replace(" ", "").replace("\u00a0", "")
        people = int(people_text) if re.fullmatch(r"-?\d+", people_text) else None
        if people is None:
            line_problems.append(_("Ugyldig antall personer «%(p)s».") % {"p": people_text})
        elif people < 0:
            line_problems.append(_("Negativt antall personer (%(p)s).") % {"p": people})
        if not line_problems and year is not None and people is not None:
            key = (number, year)
            if key in first_line:
                line_problems.append(
                    _("Kommune %(n)s og år %(y)s står også på linje %(l)s.")
                    % {"n": number, "y": year, "l": first_line[key]}
                )
            else:
                first_line[key] = line_no
                rows.append(Row(line_no, number, year, people))
        problems.extend((line_no, p) for p in line_problems)
    if not rows and not problems:
        problems.append((2, _("Filen har ingen rader.")))
    years_by_muni: dict[str, set[int]] = defaultdict(set)
    first_of_muni: dict[str, int] = {}
    for r in rows:
        years_by_muni[r.municipality].add(r.year)
        first_of_muni.setdefault(r.municipality, r.line)
    all_years = {r.year for r in rows}
    if all_years:
        wanted = set(range(min(all_years), max(all_years) + 1))
        for muni, years in sorted(years_by_muni.items()):
            missing = sorted(wanted - years)
            if missing:
                problems.append(
                    (
                        first_of_muni[muni],
                        _("Kommune %(n)s mangler år %(years)s.")
                        % {"n": muni, "years": ", ".join(str(y) for y in missing)},
                    )
                )
    if problems:
        raise PopulationFileRefused(sorted(problems))
    return rows


@transaction.atomic
def import_population(actor: Any, text: str, source: str = "") -> int:
    """Replace the loaded population projection by the file's rows (all or nothing).
    National staff or the system (the command). Returns the rows loaded."""
    require_system_or_national(actor)
    rows = parse_population(text)
    now = timezone.now()
    removed, _kinds = PopulationProjection.objects.all().delete()
    PopulationProjection.objects.bulk_create(
        [
            PopulationProjection(
                municipality_id=r.municipality,
                year=r.year,
                people=r.people,
                source=source[:200],
                imported_at=now,
            )
            for r in rows
        ],
        batch_size=2000,
    )
    audit.record(
        actor,
        "workforce.population_import",
        None,
        source=source[:200],
        rows=len(rows),
        replaced=removed,
        municipalities=len({r.municipality for r in rows}),
        years=[min(r.year for r in rows), max(r.year for r in rows)],
    )
    return len(rows)
