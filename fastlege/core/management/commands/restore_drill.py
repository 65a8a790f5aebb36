"""``fastlege restore_drill MÅL``: the restore drill (docs/operations.md).

Backs up the database this process uses, restores the backup into ``MÅL`` (a new
PostgreSQL database URL, or a new SQLite file), runs ``consistency_check`` there and
compares every table's rows and checksum with the source. Exit status 0 only when
the copy is whole and consistent.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from fastlege.core.backup import (
    BackupError,
    backup,
    checksums,
    differences,
    in_other_database,
    restore_postgres,
)


class Command(BaseCommand):
    help = _(
        "Øvelse i gjenoppretting: tar sikkerhetskopi, gjenoppretter den i en ny database, "
        "kjører konsistenskontrollen der og sammenligner alle tabellene med kilden."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "mal",
            metavar="MÅL",
            help=_("ny PostgreSQL-database (postgres://…) eller ny SQLite-fil"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: str = options["mal"]
        work = Path(tempfile.mkdtemp(prefix="fastlege-drill-"))
        try:
            before = checksums()
            if connection.vendor == "postgresql":
                if not target.startswith(("postgres://", "postgresql://")):
                    raise CommandError(_("Målet må være en PostgreSQL-URL."))
                dump = backup(work / "fastlege.dump")
                restore_postgres(dump, target)
                target_url = target
            else:
                path = Path(target)
                if path.exists():
                    raise CommandError(_("Målfilen finnes allerede: %(f)s") % {"f": path})
                backup(path)
                target_url = f"sqlite:///{path.resolve()}"
            self.stdout.write(_("Gjenopprettet i %(t)s.") % {"t": _redacted(target_url)})
            report = in_other_database(target_url, "consistency_check")
            self.stdout.write(report.strip().splitlines()[-1] if report.strip() else "")
            after = {
                table: (int(n), digest)
                for table, (n, digest) in json.loads(
                    in_other_database(target_url, "backup_checksums")
                ).items()
            }
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        finally:
            shutil.rmtree(work, ignore_errors=True)
        wrong = differences(before, after)
        if wrong:
            raise CommandError(_("Kopien er ikke lik kilden: ") + "; ".join(wrong))
        rows = sum(n for n, _digest in before.values())
        self.stdout.write(
            self.style.SUCCESS(
                _("Øvelsen er bestått: %(t)s tabeller og %(r)s rader er like i kopien.")
                % {"t": len(before), "r": rows}
            )
        )


def _redacted(url: str) -> str:
    """The target without a password, for the output."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://{rest.split('@', 1)[1]}"
    return url
