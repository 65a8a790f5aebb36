"""Issue 18, finding 2: the log-in limit's database cache table comes with ``migrate``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_cache_table_of_the_login_limit() -> None:
    """Every path that migrates (make run, tests, CI, deployment) gets the table of
    the database cache: ``migrate`` ends with the post_migrate signal."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE fastlege_cache")
    assert "fastlege_cache" not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "fastlege_cache" in connection.introspection.table_names()
