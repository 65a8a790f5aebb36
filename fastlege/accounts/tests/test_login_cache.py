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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_count_the_same_failures() -> None:
    """Two worker processes: a second Python process records two failures for an
    account, this one three more; the account is locked only by the sum."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection

    from fastlege.accounts import ratelimit

    assert settings.LOGIN_MAX_FAILURES == 5
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "fastlege.test_settings"}
    other_worker = (
        "import django; django.setup()\n"
        "from fastlege.accounts import ratelimit\n"
        "for _ in range(2): ratelimit.record_failure(None, 'kari')\n"
    )
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", other_worker],
            env=env,
            cwd=Path(__file__).resolve().parents[3],
            check=True,
            timeout=120,
        )
        assert not ratelimit.is_locked(None, "kari")
        ratelimit.record_failure(None, "kari")
        ratelimit.record_failure(None, "kari")
        assert not ratelimit.is_locked(None, "kari")  # 4 of 5
        assert ratelimit.record_failure(None, "kari")  # the fifth, in this process, locks
        assert ratelimit.is_locked(None, "Kari")
    finally:
        caches[settings.LOGIN_CACHE].clear()


def test_redis_when_redis_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """REDIS_URL switches the log-in limit's cache (and the default cache) to Redis."""
    import importlib

    import fastlege.settings as production

    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    monkeypatch.delenv("CACHE_BACKEND", raising=False)
    monkeypatch.delenv("CACHE_LOCATION", raising=False)
    try:
        with_redis = importlib.reload(production)
        redis = "django.core.cache.backends.redis.RedisCache"
        assert with_redis.CACHES[with_redis.LOGIN_CACHE]["BACKEND"] == redis
        assert (
            with_redis.CACHES[with_redis.LOGIN_CACHE]["LOCATION"] == "redis://cache.internal:6379/0"
        )
        assert with_redis.CACHES["default"]["BACKEND"] == redis
    finally:
        monkeypatch.undo()
        importlib.reload(production)
    assert production.CACHES[production.LOGIN_CACHE]["BACKEND"].endswith("DatabaseCache")
