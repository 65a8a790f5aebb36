"""``fastlege reset_second_factor <username>``: remove a user's app and recovery codes.

For an operator on the server when no administrator can reach the admin (the last
one lost their phone). Same service as the admin's action, audited as done by an
operator (``security.otp_reset``). Check who is asking before running it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fastlege.accounts.second_factor import reset_second_factor


class Command(BaseCommand):
    help = _("Nullstiller andre faktor (app og reservekoder) for en bruker.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("Fant ingen bruker med det brukernavnet."))
        removed = reset_second_factor(None, user)
        self.stdout.write(
            _(
                "Andre faktor nullstilt (%(n)d enheter fjernet). "
                "Ny app settes opp ved neste innlogging."
            )
            % {"n": removed}
        )
