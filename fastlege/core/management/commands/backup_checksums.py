"""``fastlege backup_checksums``: rows and a checksum per table, as JSON (for the
restore drill: the same database gives the same checksums)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fastlege.core.backup import checksums


class Command(BaseCommand):
    help = _("Skriver antall rader og en sjekksum per tabell som JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(checksums(), sort_keys=True))
