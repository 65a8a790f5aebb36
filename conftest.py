"""Test setup shared by every app.

The reference data (counties, municipalities, postal codes, KOSTRA figures) is
loaded once per test database, so every test can rely on it.
"""

from __future__ import annotations

import pytest

# The real-browser fixtures (Chromium + axe-core), shared by every app's test_browser.py.
pytest_plugins = ["fastlege.core.testing.browser"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from fastlege.reference.loader import load_reference

    with django_db_blocker.unblock():
        load_reference()


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict.get('NAME')})"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` run in the PostgreSQL half of ``make test``.

    In the SQLite half they are deselected, not skipped: a CI run never reports
    a skipped test. When ``REQUIRE_POSTGRES`` is set (the PostgreSQL half, and
    CI) and the database is not PostgreSQL, the run stops with an error.
    """
    import os

    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0"):
        raise pytest.UsageError("REQUIRE_POSTGRES er satt, men databasen er ikke PostgreSQL.")
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
