"""Test setup shared by every app.

The reference data (counties, municipalities, postal codes, KOSTRA figures) is
loaded once per test database, so every test can rely on it.
"""

from __future__ import annotations

import pytest

# The real-browser fixtures (Chromium + axe-core), shared by every app's test_browser.py;
# and every test client's force_login passing the second factor too (the module says why).
pytest_plugins = ["fastlege.core.testing.browser", "fastlege.core.testing.logins"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from fastlege.reference.loader import load_reference

    with django_db_blocker.unblock():
        load_reference()


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict.get('NAME')})"


def pytest_collection_modifyitems(config, items):
    """Deselect (never skip) what this run does not cover.

    Tests marked ``postgres`` run in the PostgreSQL half of ``make test``: in the
    SQLite half they are deselected, not skipped, so a CI run never reports a
    skipped test. Tests marked ``sqlite`` (what only SQLite has, e.g. its file backup)
    are deselected in the PostgreSQL half the same way. When ``REQUIRE_POSTGRES`` is
    set (the PostgreSQL half, and CI) and the database is not PostgreSQL, the run
    stops with an error.

    Tests that drive a real browser (every test using the ``browser`` fixture is
    marked ``browser`` here) do not depend on the database: ``make test`` runs them in
    the SQLite half only, and sets ``BROWSER_TESTS=0`` for the PostgreSQL half, which
    deselects them there. Each browser test so runs exactly once per ``make test``.
    """
    import os

    from django.db import connection

    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    on_postgres = connection.vendor == "postgresql"
    if not on_postgres and os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0"):
        raise pytest.UsageError("REQUIRE_POSTGRES er satt, men databasen er ikke PostgreSQL.")
    no_browser = os.environ.get("BROWSER_TESTS", "") == "0"
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        leave_out = (
            (not on_postgres and item.get_closest_marker("postgres"))
            or (on_postgres and item.get_closest_marker("sqlite"))
            or (no_browser and item.get_closest_marker("browser"))
        )
        (deselected if leave_out else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _bokmal_after_each_test():
    """Each test starts and ends in the project's language. A request through the test
    client activates the chosen language in this thread and nothing resets it, so a test
    of the English pages would otherwise leave English on for the tests after it (the
    glossary's checks of Norwegian names then failed depending on the order)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
