"""Production installs only what the service needs (issue 18, low): the runtime lock
pins every runtime dependency of pyproject.toml and none of the test tools; the
development lock adds the tools on top of it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[3]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def _names(requirements: list[str]) -> set[str]:
    return {Requirement(r).name.lower().replace("_", "-") for r in requirements}


def test_the_runtime_lock_has_the_runtime_dependencies_and_no_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pins(ROOT / "requirements.lock")
    assert _names(project["dependencies"]) <= set(runtime)
    assert not _names(project["optional-dependencies"]["dev"]) & set(runtime)


def test_the_development_lock_adds_the_tools_to_the_runtime_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    text = (ROOT / "requirements-dev.lock").read_text(encoding="utf-8")
    assert "-r requirements.lock" in text.splitlines()
    dev = _pins(ROOT / "requirements-dev.lock")
    assert _names(project["optional-dependencies"]["dev"]) <= set(dev)
    assert not set(dev) & set(_pins(ROOT / "requirements.lock"))  # each pinned once


def _dependency_check():
    import importlib.util

    spec = importlib.util.spec_from_file_location("depcheck", ROOT / "scripts/dependency_check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dependency_check_fails_on_a_vulnerable_pin_and_names_the_fix(monkeypatch, capsys):
    import json
    import subprocess

    check = _dependency_check()
    report: dict[str, Any] = {
        "dependencies": [
            {
                "name": "django",
                "version": "4.2.0",
                "vulns": [{"id": "PYSEC-2023-100", "fix_versions": ["4.2.2"]}],
            },
            {"name": "segno", "version": "1.6.6", "vulns": []},
        ]
    }

    def fake_pip_audit(command, **kwargs):
        out = command[command.index("-o") + 1]
        Path(out).write_text(json.dumps(report), encoding="utf-8")
        assert command.count("-r") == 2  # both locks
        return subprocess.CompletedProcess(command, 1, "", "")

    monkeypatch.setattr(check, "reachable", lambda *a, **k: None)
    monkeypatch.setattr(check.subprocess, "run", fake_pip_audit)
    assert check.main() == 1
    assert "django==4.2.0: PYSEC-2023-100 (rettet i 4.2.2)" in capsys.readouterr().out

    report["dependencies"][0]["vulns"] = []
    assert check.main() == 0
    assert "2 låste pakker, ingen kjente sårbarheter" in capsys.readouterr().out


def test_the_dependency_check_says_plainly_when_the_advisories_cannot_be_reached(
    monkeypatch, capsys
):
    check = _dependency_check()
    monkeypatch.setattr(check, "reachable", lambda *a, **k: "URLError: no route")
    monkeypatch.setattr(check.subprocess, "run", lambda *a, **k: pytest.fail("must not run"))
    assert check.main() == 0
    assert "IKKE SJEKKET" in capsys.readouterr().out
