"""Backups and the restore drill (issue 18, operations; docs/operations.md).

* PostgreSQL: ``pg_dump`` in the custom format, restored with ``pg_restore`` into an
  empty database. Nightly dumps plus WAL archiving are the production routine.
* SQLite: Python's online backup API (``sqlite3.Connection.backup``), consistent
  while the service runs.
* ``checksums``: per table of the project's apps, the number of rows and a SHA-256 over
  every row in primary-key order — the same database gives the same checksums, so a
  restored copy can be compared with its source.

The restore drill (``fastlege restore_drill``) backs up the database it runs on,
restores it into a new database or file, runs ``consistency_check`` there, and
compares the checksums. CI runs it on PostgreSQL and on SQLite
(``fastlege/core/tests/test_backup.py``).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.apps import apps
from django.db import connection

#: The apps whose tables are compared (Django's own tables are left out: sessions and
#: caches change by themselves).
PROJECT_APPS = (
    "accounts",
    "core",
    "reference",
    "registry",
    "monthly",
    "stats",
    "measures",
    "dialogue",
    "web",
    "workforce",
)


class BackupError(Exception):
    """A backup, a restore or the drill failed; the message says where."""


def pg_tool(name: str) -> str:
    """The PostgreSQL client program ``name`` (pg_dump, pg_restore, createdb): on PATH,
    else the newest in Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} finnes ikke (installer PostgreSQL-klientprogrammene).")
    return candidates[-1]


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL programs (the password in the
    environment, never on the command line)."""
    u = urlparse(url)
    args = ["-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or ""]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return args, env


def _dbname(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    # The programs are PostgreSQL's and this Python's; the arguments are ours.
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def current_url() -> str:
    """The PostgreSQL URL of the database this process uses (the test database in
    tests)."""
    d = connection.settings_dict
    user = d.get("USER") or ""
    password = f":{d['PASSWORD']}" if d.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{d.get('HOST') or '127.0.0.1'}:{d.get('PORT') or 5432}/{d['NAME']}"


def backup(target: Path) -> Path:
    """A backup of the database this process uses, to ``target``: a ``pg_dump`` custom
    archive on PostgreSQL, a consistent SQLite file on SQLite."""
    if connection.vendor == "postgresql":
        return backup_postgres(current_url(), target)
    return backup_sqlite(target)


def backup_postgres(url: str, path: Path) -> Path:
    """``pg_dump -Fc`` of the database at ``url`` to ``path``."""
    args, env = _pg_env(url)
    _run([pg_tool("pg_dump"), *args, "-Fc", "-f", str(path), _dbname(url)], env)
    return path


def restore_postgres(path: Path, url: str) -> None:
    """Restore a dump into the empty database at ``url`` (created when missing)."""
    args, env = _pg_env(url)
    try:
        _run([pg_tool("createdb"), *args, _dbname(url)], env)
    except BackupError as exc:
        if "already exists" not in str(exc):
            raise
    _run([pg_tool("pg_restore"), *args, "--no-owner", "-d", _dbname(url), str(path)], env)


def backup_sqlite(target: Path) -> Path:
    """An online copy of the running SQLite database (this process's connection)."""
    connection.ensure_connection()
    source = connection.connection
    with sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def checksums() -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256)}`` for every table of the project's apps, over the
    current database connection; rows in primary-key order."""
    out: dict[str, tuple[int, str]] = {}
    for label in PROJECT_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            table = model._meta.db_table
            columns = [str(f.column) for f in model._meta.concrete_fields]
            digest = hashlib.sha256()
            n = 0
            with connection.cursor() as cursor:
                quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                pk = connection.ops.quote_name(str(model._meta.pk.column))
                cursor.execute(
                    f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY {pk}"  # noqa: S608
                )
                for row in cursor:
                    n += 1
                    digest.update(repr(tuple(_plain(v) for v in row)).encode())
            out[table] = (n, digest.hexdigest())
    return out


def _plain(value: Any) -> Any:
    """One representation per value whatever the driver returns (memoryview, Decimal,
    JSON as text or as a dict)."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    return str(value) if value is not None else None


def differences(source: dict[str, tuple[int, str]], copy: dict[str, tuple[int, str]]) -> list[str]:
    """The tables that differ between two sets of checksums, described in Norwegian."""
    out = []
    for table in sorted(set(source) | set(copy)):
        a, b = source.get(table), copy.get(table)
        if a != b:
            out.append(
                f"{table}: {a[0] if a else 'mangler'} rader i kilden, "
                f"{b[0] if b else 'mangler'} i kopien"
                + (" (samme antall, ulikt innhold)" if a and b and a[0] == b[0] else "")
            )
    return out


def in_other_database(database_url: str, *command: str) -> str:
    """Run ``fastlege <command>`` against another database (a new process, so that
    nothing of this process's connection is reused); its output."""
    env = dict(os.environ, DATABASE_URL=database_url)
    env.setdefault("SECRET_KEY", "restore-drill")
    return _run([sys.executable, "-m", "fastlege", *command], env)
