"""Loading the shipped reference data. Idempotent: a second run changes nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from fastlege.reference.borders import border_pairs
from fastlege.reference.models import (
    County,
    KostraGpFigures,
    KostraGpTrend,
    Municipality,
    MunicipalityBorder,
    MunicipalityPopulation,
    PostalCode,
)
from fastlege.reference.sami import SAMI_LANGUAGE_AREA

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> Iterator[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _int(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


def _dec(value: str) -> Decimal | None:
    return Decimal(value) if value not in ("", None) else None


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def sync(model, key: tuple[str, ...], rows: list[dict], result: LoadResult) -> None:
    """Create missing rows and update changed ones; leave equal rows untouched."""
    name = model._meta.model_name
    existing = {tuple(getattr(obj, k) for k in key): obj for obj in model.objects.all()}
    to_create, to_update, fields = [], [], set()
    for row in rows:
        k = tuple(row[f] for f in key)
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [f for f, v in row.items() if f not in key and getattr(obj, f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=2000)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=2000)
    result.created[name] = len(to_create)
    result.updated[name] = len(to_update)


@transaction.atomic
def load_reference() -> LoadResult:
    result = LoadResult()
    counties = [
        {
            "number": r["fylkesnummer"],
            "name": r["fylkesnavn"],
            "official_name": r["fylkesnavn_offisielt"],
        }
        for r in read_csv("fylker_2024.csv")
    ]
    sync(County, ("number",), counties, result)
    municipalities = [
        {
            "number": r["kommunenummer"],
            "name": r["navn"],
            "official_name": r["navn_offisielt"],
            "county_id": r["fylkesnummer"],
            "centrality": _int(r["sentralitet"]),
            "centrality_index": _int(r["sentralitetsindeks"]),
            "sami_language_area": r["kommunenummer"] in SAMI_LANGUAGE_AREA,
        }
        for r in read_csv("kommuner_2024.csv")
    ]
    sync(Municipality, ("number",), municipalities, result)
    populations = [
        {
            "municipality_id": r["kommunenummer"],
            "year": int(r["aar"]),
            "population": int(r["folketall"]),
        }
        for r in read_csv("befolkning_kommune_2020_2026.csv")
    ]
    sync(MunicipalityPopulation, ("municipality_id", "year"), populations, result)
    postal = [
        {
            "code": r["postnummer"],
            "place": r["poststed"],
            "municipality_id": r["kommunenummer"] or None,
        }
        for r in read_csv("postnummer.csv")
    ]
    # Svalbard / Jan Mayen postal codes name municipality numbers that are not municipalities.
    known = {m["number"] for m in municipalities}
    for p in postal:
        if p["municipality_id"] not in known:
            p["municipality_id"] = None
    sync(PostalCode, ("code",), postal, result)
    kostra = []
    for r in read_csv("fastlege_kommune_2025.csv"):
        if not r["lister_totalt"]:
            continue
        kostra.append(
            {
                "municipality_id": r["kommunenummer"],
                "year": int(r["aar"]),
                "agreements_with_gp": _int(r["fastlegeavtaler"]),
                "lists_without_gp": _int(r["lister_uten_fast_lege"]),
                "lists_total": _int(r["lister_totalt"]),
                "residents_on_lists_with_gp": _int(r["pasienter_liste_med_lege"]),
                "residents_on_lists_without_gp": _int(r["pasienter_liste_uten_lege"]),
                "share_without_gp_pct": _dec(r["andel_pasienter_liste_uten_lege_pst"]),
                "open_lists": _int(r["aapne_lister"]),
                "mean_list_length": _int(r["gjsn_listelengde"]),
                "mean_list_length_corrected": _int(r["gjsn_listelengde_korr_kommunale_timer"]),
                "female_gps": _int(r["kvinnelige_fastleger"]),
                "share_female_gps_pct": _dec(r["andel_kvinnelige_fastleger_pst"]),
                "capacity": _int(r["kapasitet"]),
                "capacity_calculated": _int(r["kapasitet_beregnet"]),
                "reserve_capacity": _int(r["reservekapasitet"]),
            }
        )
    sync(KostraGpFigures, ("municipality_id", "year"), kostra, result)
    trend = [
        {
            "municipality_id": r["kommunenummer"],
            "year": int(r["aar"]),
            "share_without_gp_pct": _dec(r["andel_pasienter_liste_uten_lege_pst"]),
            "mean_list_length": _int(r["gjsn_listelengde"]),
            "reserve_capacity": _int(r["reservekapasitet"]),
        }
        for r in read_csv("fastlege_kommune_trend.csv")
    ]
    sync(KostraGpTrend, ("municipality_id", "year"), trend, result)
    pairs = border_pairs()
    borders = [
        {"municipality_id": a, "neighbour_id": b}
        for x, y in sorted(pairs)
        if x in known and y in known
        for a, b in ((x, y), (y, x))
    ]
    wanted = {(r["municipality_id"], r["neighbour_id"]) for r in borders}
    stale = [
        pk
        for pk, m, n in MunicipalityBorder.objects.values_list(
            "pk", "municipality_id", "neighbour_id"
        )
        if (m, n) not in wanted
    ]
    MunicipalityBorder.objects.filter(pk__in=stale).delete()
    sync(MunicipalityBorder, ("municipality_id", "neighbour_id"), borders, result)
    return result
