"""Benchmark ``fastlege seed``: wall time, peak memory, and calibration.

Examples::

    python bench/seed.py --scale trondelag --db sqlite
    python bench/seed.py --scale trondelag --db sqlite --months 12 --repeat 3   # with history
    python bench/seed.py --scale national --db postgres            # throwaway server
    python bench/seed.py --scale national --db postgres --url postgres://...  # given server
    python bench/seed.py --scale national --db postgres --keep     # leave the server running

The database is migrated and the reference data loaded first (not timed).
The seed then runs as a child process; its wall time and peak RSS (from
``wait4``'s rusage of exactly that child) are reported, followed by a table
comparing the seeded registry with the KOSTRA figures: sums over the seeded
municipalities and the worst deviation of any single municipality.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCALES = {
    "trondelag": ["--fylke", "50"],
    "national": ["--national"],
    "kommune": ["--kommune", "5033", "--kommune", "5043"],
}


@dataclass
class Server:
    url: str
    directory: str | None = None  # set when started here
    port: str | None = None

    def stop(self) -> None:
        if self.directory:
            _pg_sh("pg_stop", self.directory, self.port)


def _pg_sh(action: str, directory: str | None = None, port: str | None = None) -> str:
    env = dict(os.environ)
    if directory:
        env["PG_DIR"] = directory
    if port:
        env["PG_PORT"] = port
    script = (
        f"source scripts/pg.sh || exit 3; {action}; "
        'echo "URL=$PG_URL"; echo "DIR=$PG_DIR"; echo "PORT=$PG_PORT"'
    )
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"scripts/pg.sh {action} failed: {done.stderr.strip()}")
    return done.stdout


def start_postgres() -> Server:
    out = _pg_sh("pg_start")
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return Server(values["URL"], values["DIR"], values["PORT"])


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="fastlege.settings",
        DATABASE_URL=database_url,
        DEBUG="1",
        ALLOW_SYNTHETIC_NIN="1",
    )
    return env


def fastlege(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "fastlege"), *args], env=env, cwd=ROOT, check=True)


def timed_seed(env: dict[str, str], args: list[str]) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MiB, exit status) of ``fastlege seed`` in a child."""
    started = time.perf_counter()
    child = subprocess.Popen([str(BIN / "fastlege"), "seed", *args], env=env, cwd=ROOT)
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return wall, usage.ru_maxrss // 1024, child.returncode  # ru_maxrss is KiB on Linux


def compare_with_kostra(database_url: str) -> None:
    """Print seeded vs published totals and the worst municipality for each figure."""
    os.environ.update(environment(database_url))
    sys.path.insert(0, str(ROOT))
    import datetime

    import django

    django.setup()
    from fastlege.demo.seed.measure import seeded_figures
    from fastlege.reference.models import KostraGpFigures, MunicipalityPopulation

    seeded = seeded_figures(datetime.date(2026, 1, 1))
    kostra = {k.municipality_id: k for k in KostraGpFigures.objects.filter(year=2025)}
    population = dict(
        MunicipalityPopulation.objects.filter(year=2026).values_list(
            "municipality_id", "population"
        )
    )
    numbers = sorted(n for n in seeded if seeded[n].lists_total)
    rows = [
        ("lists", "lists_total", lambda k: k.lists_total),
        ("lists without a regular GP", "lists_without_gp", lambda k: k.lists_without_gp),
        ("open lists", "open_lists", lambda k: k.open_lists),
        ("residents on lists with GP", "members_with_gp", lambda k: k.residents_on_lists_with_gp),
        (
            "residents on lists without GP",
            "members_without_gp",
            lambda k: k.residents_on_lists_without_gp,
        ),
        ("sum of ceilings (capacity)", "capacity", lambda k: k.capacity),
        ("female regular GPs", "female_gps", lambda k: k.female_gps),
    ]
    print()
    print(f"Calibration over {len(numbers)} municipalities with KOSTRA 2025 figures")
    print()
    print("| figure | seeded | KOSTRA 2025 | worst municipality (seeded − KOSTRA) |")
    print("|---|---:|---:|---|")
    for label, attr, published in rows:
        got = want = 0
        worst = (0, 0.0, "")
        for n in numbers:
            if n not in kostra:
                continue
            g, w = getattr(seeded[n], attr), published(kostra[n]) or 0
            got, want = got + g, want + w
            diff = g - w
            if abs(diff) > abs(worst[0]):
                worst = (diff, diff / w * 100 if w else 0.0, n)
        text = f"{worst[2]}: {worst[0]:+d} ({worst[1]:+.2f} %)" if worst[2] else "none (exact)"
        print(f"| {label} | {got:,} | {want:,} | {text} |".replace(",", " "))
    got = sum(seeded[n].residents for n in numbers)
    want = sum(population[n] for n in numbers)
    worst_res = max(
        numbers, key=lambda n: abs(seeded[n].residents - population[n]) / max(1, population[n])
    )
    d = seeded[worst_res].residents - population[worst_res]
    text = (
        f"{worst_res}: {d:+d} ({d / population[worst_res] * 100:+.2f} %)" if d else "none (exact)"
    )
    print(f"| residents (vs population 1.1.2026) | {got:,} | {want:,} | {text} |".replace(",", " "))
    invented = [n for n in numbers if n not in kostra]
    if invented:
        print(f"\nNo KOSTRA figures (lists invented): {', '.join(invented)}")
    outside = sum(f.residents for n, f in seeded.items() if n not in numbers)
    if outside:
        print(f"Guest residents living outside the seeded area: {outside:,}".replace(",", " "))


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
            mem = f", {kib / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="trondelag")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="PostgreSQL URL to use instead of a throwaway server")
    parser.add_argument("--seed", default="2026")
    parser.add_argument(
        "--months", default="0", help="history months (seed --months; default 0 = none)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="seed this many times (fresh db)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    server: Server | None = None
    workdir = tempfile.mkdtemp(prefix="fastlege-bench-")
    if args.db == "sqlite":
        url = f"sqlite:///{workdir}/bench.sqlite3"
    elif args.url:
        url = args.url
    else:
        server = start_postgres()
        url = server.url
    env = environment(url)
    try:
        print(f"Machine: {machine()}")
        print(f"Database: {args.db}  Scale: {args.scale}")
        seed_args = [*SCALES[args.scale], "--months", args.months, "--seed", args.seed]
        walls: list[float] = []
        status = 0
        for attempt in range(max(1, args.repeat)):
            if attempt:  # a fresh, empty registry for every repetition
                if args.db == "sqlite":
                    os.remove(f"{workdir}/bench.sqlite3")
                else:
                    fastlege(env, "flush", "--no-input")
            fastlege(env, "migrate", "--no-input", "-v0")
            fastlege(env, "load_reference")
            print(f"$ fastlege seed {' '.join(seed_args)}", flush=True)
            wall, rss, status = timed_seed(env, seed_args)
            print(f"\nwall time {wall:.1f} s, peak RSS {rss} MiB, exit status {status}")
            walls.append(wall)
            if status != 0:
                break
        if len(walls) > 1:
            print(
                f"{len(walls)} runs: best {min(walls):.1f} s, "
                f"median {statistics.median(walls):.1f} s"
            )
        if status == 0:
            compare_with_kostra(url)
        if args.keep:
            print(f"\nKept: DATABASE_URL={url}")
            if server:
                print(
                    f"Stop it with: PG_DIR={server.directory} PG_PORT={server.port} "
                    "bash -c 'source scripts/pg.sh && pg_stop'"
                )
    finally:
        if not args.keep:
            if server:
                server.stop()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
