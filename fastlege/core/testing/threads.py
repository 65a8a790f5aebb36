"""Tests that need two database connections at once (locks, commit order, a process
killed mid-transaction): PostgreSQL only, and a function run on a connection of its own."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections


def require_postgres() -> None:
    """Skip on SQLite on a developer's machine; fail where PostgreSQL is required (CI)."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0"):
        pytest.fail("REQUIRE_POSTGRES er satt, men databasen er ikke PostgreSQL.")
    pytest.skip("trenger PostgreSQL (kjøres i PostgreSQL-delen av make test)")


def in_thread(fn: Callable[[], Any], timeout: float = 120) -> Any:
    """Run ``fn`` on a connection of its own, so what it writes is committed at once;
    its exception is raised here."""
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=timeout)
    if "error" in box:
        raise box["error"]
    return box.get("result")
