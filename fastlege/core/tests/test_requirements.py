"""Production installs only what the service needs (issue 18, low): the runtime lock
pins every runtime dependency of pyproject.toml and none of the test tools; the
development lock adds the tools on top of it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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
