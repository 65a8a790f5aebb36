from __future__ import annotations

from typing import Any

import pytest

from fastlege.measures.tests.factories import personas


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    return personas()
