import os

from django.db import connection


def test_suite_runs_on_the_database_it_was_asked_for():
    """The PostgreSQL run of `make test` must really be on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "sqlite://")
    expected = "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"
    assert connection.vendor == expected
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        assert connection.vendor == "postgresql"
