"""``fastlege consistency-check``: verify the registry and every monthly run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fastlege.monthly.services import check_consistency


class Command(BaseCommand):
    help = _(
        "Kontrollerer registeret og alle månedskjøringer: én liste per person, ingen på "
        "avsluttede lister, antall bevart i hver kjøring, ingen liste over taket etter "
        "tildeling, og at månedsbildet stemmer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_consistency()
        for finding in report.findings:
            mark = "OK " if finding.ok else "FEIL"
            line = f"{mark} {finding.code}: {finding.detail}"
            self.stdout.write(line if finding.ok else self.style.ERROR(line))
        if not report.ok:
            raise CommandError(_("Kontrollen fant feil."))
        self.stdout.write(self.style.SUCCESS(_("Alt stemmer.")))
