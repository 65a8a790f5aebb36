"""Test setup shared by every app.

The reference data (counties, municipalities, postal codes, KOSTRA figures) is
loaded once per test database, so every test can rely on it.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from fastlege.reference.loader import load_reference

    with django_db_blocker.unblock():
        load_reference()


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict.get('NAME')})"
