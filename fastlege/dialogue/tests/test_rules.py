"""The dialogue app's rule parameters are named, dated and in the glossary."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.conf import settings

from fastlege.dialogue import rules


def test_every_dialogue_parameter_is_in_the_glossary_with_its_value_and_date():
    text = (Path(settings.PROJECT_DIR) / "docs" / "glossary.md").read_text(encoding="utf-8")
    part = text[text.index("## Rule parameters of the dialogue app") :]
    rows = {
        (m[1], m[2], m[3].strip())
        for m in re.finditer(r"^\| `([a-z_]+)` \| (\d{4}-\d{2}-\d{2}) \| ([^|]+) \|", part, re.M)
    }
    known = {(p.name, p.effective_from.isoformat(), str(p.value)) for p in rules.PARAMETERS}
    assert rows == known


def test_param_gives_the_value_in_force_and_refuses_unknown_names():
    assert rules.param("attachment_max_bytes", datetime.date(2026, 1, 1)) == 10 * 1024 * 1024
    import pytest

    with pytest.raises(KeyError):
        rules.param("registrant_data_retention_days", datetime.date(2000, 1, 1))
    unverified = {p.name for p in rules.PARAMETERS if not p.verified}
    assert "registrant_data_retention_days" in unverified and all(
        p.legal_basis for p in rules.PARAMETERS
    )
