"""docs/glossary.md cannot go stale: every model, field and rule parameter is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Model

from fastlege.registry import rules

GLOSSARY = Path(settings.PROJECT_DIR) / "docs" / "glossary.md"

SECTION = re.compile(r"^### `(?P<label>[a-z_]+\.[A-Za-z]+)`", re.MULTILINE)
FIELD_ROW = re.compile(r"^\| `(?P<field>[a-z_0-9]+)` \| (?P<term>[^|]+) \|", re.MULTILINE)


def _project_models() -> list[type[Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("fastlege.")]


def _sections() -> dict[str, str]:
    text = GLOSSARY.read_text(encoding="utf-8")
    matches = list(SECTION.finditer(text))
    sections = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else text.find("\n## ", match.end())
        sections[match["label"]] = text[match.end() : end if end != -1 else len(text)]
    return sections


def _documented_fields(section: str) -> dict[str, str]:
    return {m["field"]: m["term"].strip() for m in FIELD_ROW.finditer(section)}


def _documented_fields_must_exist(model: type[Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.auto_created]


def test_every_model_has_a_section() -> None:
    sections = _sections()
    missing = [m._meta.label for m in _project_models() if m._meta.label not in sections]
    assert missing == [], f"add a '### `label` – term' section to {GLOSSARY.name} for {missing}"
    stale = sorted(set(sections) - {m._meta.label for m in _project_models()})
    assert stale == [], f"{GLOSSARY.name} documents models that no longer exist: {stale}"


@pytest.mark.parametrize("model", _project_models(), ids=lambda m: m._meta.label)
def test_every_field_is_documented_with_its_norwegian_term(model: type[Model]) -> None:
    section = _sections().get(model._meta.label, "")
    documented = _documented_fields(section)
    missing = [name for name in _documented_fields_must_exist(model) if name not in documented]
    assert missing == [], f"{model._meta.label}: add rows to {GLOSSARY.name} for {missing}"
    existing = {f.name: f for f in model._meta.concrete_fields}
    stale = sorted(set(documented) - set(existing))
    assert stale == [], f"{model._meta.label}: {GLOSSARY.name} documents removed fields {stale}"
    for name, term in documented.items():
        verbose = str(existing[name].verbose_name)
        assert term.lower() == verbose.lower(), (
            f"{model._meta.label}.{name}: the glossary says «{term}», the model «{verbose}»"
        )


def test_every_model_heading_uses_the_models_norwegian_name() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    for model in _project_models():
        heading = f"### `{model._meta.label}` – {model._meta.verbose_name}"
        assert heading in text, f"expected the heading «{heading}»"


def test_every_rule_parameter_is_in_the_table() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    rows = {
        (m[1], m[2].strip(), m[3].strip())
        for m in re.finditer(r"^\| `([a-z_]+)` \| ([^|]+) \| (\d{4}-\d{2}-\d{2}) \|", text, re.M)
    }
    missing = [
        f"{p.name} = {p.value} from {p.effective_from}"
        for p in rules.PARAMETERS
        if (p.name, str(p.value), p.effective_from.isoformat()) not in rows
    ]
    assert missing == [], f"add these rule parameters to {GLOSSARY.name}: {missing}"
    known = {(p.name, str(p.value), p.effective_from.isoformat()) for p in rules.PARAMETERS}
    stale = sorted(rows - known)
    assert stale == [], f"{GLOSSARY.name} lists rule parameters that changed: {stale}"
