"""Dependency check for CI (issue 18): fail on a known-vulnerable pinned version.

Audits every pin of requirements.lock and requirements-dev.lock with pip-audit
against the Python Packaging Advisory Database (through PyPI's JSON API). Exit:

* 0: no known vulnerability, or the advisory database cannot be reached: then it
  says so plainly ("IKKE SJEKKET") and CI goes on, since a check that cannot run
  must not block all work; the next run with a network checks again;
* 1: a pinned package has a known vulnerability: each is listed with the versions
  that fix it. Upgrade the pin in the lock (or, for a finding that does not apply,
  add ``--ignore-vuln ID`` here with a comment saying why).

Usage: ``make audit`` (``.ci/run`` runs it before the tests).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ("requirements.lock", "requirements-dev.lock")
ADVISORY_PROBE = "https://pypi.org/pypi/pip-audit/json"
IGNORED: list[str] = []  # vulnerability ids judged not to apply, each with a reason


def reachable(url: str = ADVISORY_PROBE, timeout: float = 10.0) -> str | None:
    """None when the advisory service answers, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            response.read(1)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def findings(report: dict[str, Any]) -> list[str]:
    """One line per known vulnerability in a pip-audit JSON report."""
    lines = []
    for dep in report.get("dependencies", []):
        for vuln in dep.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "ingen rettet versjon ennå"
            lines.append(f"{dep['name']}=={dep['version']}: {vuln['id']} (rettet i {fixed})")
    return lines


def main() -> int:
    why = reachable()
    if why is not None:
        print(
            "== Avhengighetssjekk IKKE SJEKKET: sårbarhetsdatabasen (PyPI) kan ikke nås "
            f"({why}). / Dependency check NOT DONE: the advisory database is unreachable."
        )
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip"]
        command += ["--progress-spinner", "off", "-f", "json", "-o", str(out)]
        for lock in LOCKS:
            command += ["-r", str(ROOT / lock)]
        for vuln_id in IGNORED:
            command += ["--ignore-vuln", vuln_id]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        if not out.exists():
            print(
                "== Avhengighetssjekk IKKE SJEKKET: pip-audit fullførte ikke "
                f"(kode {run.returncode}). / Dependency check NOT DONE.\n{run.stderr[-2000:]}"
            )
            return 0
        report = json.loads(out.read_text(encoding="utf-8"))
    found = findings(report)
    checked = len(report.get("dependencies", []))
    if found:
        print(f"== Avhengighetssjekk: {len(found)} kjente sårbarheter / known vulnerabilities:")
        for line in found:
            print("   " + line)
        return 1
    print(f"== Avhengighetssjekk: {checked} låste pakker, ingen kjente sårbarheter.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
