"""Write the sample registry files of Melhus (5028) to docs/examples/import-5028-melhus/.

    /work/main/.venv/bin/python scripts/import_sample.py

Synthetic and reproducible (a fixed random seed): three practices, eleven GPs,
twelve agreements (one without a regular GP, one ended in 2024 whose residents
moved on) and three hundred residents with valid synthetic identity numbers
(Tenor convention, month + 80; accepted where ``ALLOW_SYNTHETIC_NIN`` is on), six of
them D-numbers.
Organisation numbers carry a valid check digit; HPR numbers are nine digits
starting with 9, like the demo's. docs/import.md describes the files.
"""

from __future__ import annotations

import csv
import datetime
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stdnum.no import orgnr  # noqa: E402

from fastlege.core.identity import make_synthetic_nin  # noqa: E402

OUT = ROOT / "docs" / "examples" / "import-5028-melhus"
D = datetime.date
FIRST = [
    "Kari",
    "Ola",
    "Ingrid",
    "Per",
    "Sigrid",
    "Nils",
    "Astrid",
    "Lars",
    "Marit",
    "Jon",
    "Solveig",
    "Knut",
    "Ragnhild",
    "Odd",
    "Liv",
    "Erik",
    "Anne",
    "Tor",
    "Eli",
    "Arne",
]
LAST = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Berg",
    "Haugen",
    "Moe",
    "Lund",
    "Bakken",
    "Aune",
    "Gjermo",
    "Ree",
    "Lien",
    "Solberg",
    "Hovin",
    "Kvål",
    "Flå",
    "Horg",
]
PRACTICES = [
    ("Melhus legesenter", "Melhusvegen 474", "7224", "nei"),
    ("Gimse legekontor", "Gimsevegen 12", "7227", "nei"),
    ("Lundamo legekontor", "Lundamovegen 3", "7232", "ja"),
]


def org_number(base: int) -> str:
    """The first valid organisation number from the eight digits ``base`` on."""
    while True:
        for digit in "0123456789":
            if orgnr.is_valid(f"{base}{digit}"):
                return f"{base}{digit}"
        base += 1


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(5028)
    OUT.mkdir(parents=True, exist_ok=True)
    orgs = [org_number(97_350_010 + 1000 * i) for i in range(len(PRACTICES))]
    write(
        "practices.csv",
        ["orgnr", "navn", "kommunenr", "adresse", "postnr", "kommunalt"],
        [[o, n, "5028", a, p, k] for o, (n, a, p, k) in zip(orgs, PRACTICES, strict=True)],
    )
    gps = []
    for i in range(11):
        born = D(1958 + 2 * i, 1 + i, 3 + i)
        specialty = "alis" if i in (4, 9) else "spesialist"
        alis = ("2021-09-01", "2026-09-01") if specialty == "alis" else ("", "")
        gps.append(
            [
                f"9{502800 + 37 * i:08d}",
                FIRST[i],
                LAST[i],
                born.isoformat(),
                "K" if i % 2 == 0 else "M",
                specialty,
                *alis,
                "nei",
                "",
                "",
            ]
        )
    write(
        "gps.csv",
        [
            "hpr",
            "fornavn",
            "etternavn",
            "fodselsdato",
            "kjonn",
            "spesialitet",
            "alis_fra",
            "alis_til",
            "samisktalende",
            "kompetanseunntak",
            "kompetanseunntak_til",
        ],
        gps,
    )
    agreements = []
    for i in range(12):
        start = D(2012 + (i % 8), 1 + (i * 5) % 12, 1)
        if gps[min(i, 10)][5] == "alis":
            start = D(2022, 1, 1)
        ended = i == 11
        gp = "" if i == 10 else gps[i if i < 10 else 10][0]
        agreements.append(
            [
                f"MEL-{i + 1:03d}",
                "5028",
                orgs[i % 3],
                str(rng.choice([900, 1000, 1200, 1400])),
                "nei",
                rng.choice(["ja", "ja", "nei"]),
                "nei",
                "ja" if i % 3 == 2 else "nei",
                start.isoformat(),
                "2024-01-01" if ended else "",
                gp,
                start.isoformat() if gp else "",
                "100",
            ]
        )
    write(
        "agreements.csv",
        [
            "avtale_id",
            "kommunenr",
            "orgnr",
            "listetak",
            "listetak_under_500_godkjent",
            "apen",
            "fellesliste",
            "fastlonnet",
            "gyldig_fra",
            "gyldig_til",
            "fastlege_hpr",
            "fastlege_fra",
            "stillingsprosent",
        ],
        agreements,
    )
    open_lists = [a for a in agreements if not a[9]]
    members = []
    used: set[str] = set()
    postal = ["7221", "7224", "7227", "7228", "7231", "7232"]
    for n in range(300):
        while True:
            born = D(rng.randint(1935, 2024), rng.randint(1, 12), rng.randint(1, 28))
            individual = rng.randint(0, 499) if born.year < 2000 else rng.randint(500, 999)
            nin = make_synthetic_nin(born, individual, d_number=n % 50 == 25)
            if nin and nin not in used:
                used.add(nin)
                break
        person = [nin, rng.choice(FIRST), rng.choice(LAST), "5028", rng.choice(postal)]
        old = agreements[11]
        start = max(
            D.fromisoformat(old[8]), D(born.year, born.month, 1) + datetime.timedelta(days=31)
        )
        if n % 10 == 0 and start < D(2023, 12, 1):
            # was on the list that ended; moved to an open one the day it ended
            new = open_lists[n % len(open_lists)]
            members.append([*person, old[0], start.isoformat(), "2024-01-01", "avtale_avsluttet"])
            members.append(
                [*person, new[0], max(D(2024, 1, 1), D.fromisoformat(new[8])).isoformat(), "", ""]
            )
            continue
        target = open_lists[n % len(open_lists)]
        first_day = max(
            D.fromisoformat(target[8]), D(born.year, born.month, 1) + datetime.timedelta(days=31)
        )
        first_day = first_day.replace(day=1)
        if n % 7 == 0 and first_day < D(2025, 1, 1):  # switched from another open list
            other = open_lists[(n + 3) % len(open_lists)]
            start = max(first_day, D.fromisoformat(other[8]))
            moved = D(max(start.year + 1, 2025), 3, 1)
            members.append([*person, other[0], start.isoformat(), moved.isoformat(), "bytte"])
            members.append(
                [*person, target[0], max(moved, D.fromisoformat(target[8])).isoformat(), "", ""]
            )
            continue
        members.append([*person, target[0], first_day.isoformat(), "", ""])
    write(
        "members.csv",
        [
            "fodselsnummer",
            "fornavn",
            "etternavn",
            "bostedskommune",
            "postnr",
            "avtale_id",
            "fra",
            "til",
            "sluttarsak",
        ],
        members,
    )
    print(f"{len(members)} listeplasser, {len(used)} personer i {OUT}")


if __name__ == "__main__":
    main()
