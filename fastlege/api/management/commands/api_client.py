"""``fastlege api_client``: register an API client, issue, rotate or revoke its tokens.

The token's secret is printed once; only its hash is stored. Run by the national
operator (the command acts as the system)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fastlege.accounts.models import Role
from fastlege.api.models import ApiClient, ApiToken
from fastlege.api.services import clients
from fastlege.api.services.errors import ApiClientError


class Command(BaseCommand):
    help = "Registrer API-klienter og lag, roter eller trekk tilbake nøkler (docs/api.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register", help="ny klient med første nøkkel")
        register.add_argument("name")
        register.add_argument(
            "--role", required=True, choices=[str(r) for r in clients.CLIENT_ROLES]
        )
        register.add_argument("--municipality")
        register.add_argument("--county")
        register.add_argument("--doctor", type=int)
        register.add_argument("--contact", default="")
        register.add_argument("--rate", type=int, default=600)
        issue = sub.add_parser("issue", help="en nøkkel til for en klient")
        issue.add_argument("name")
        for verb in ("rotate", "revoke"):
            p = sub.add_parser(verb, help=f"{verb} en nøkkel (oppgi prefikset)")
            p.add_argument("prefix")
        sub.add_parser("list", help="klienter og nøkler")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(options)
        except ApiClientError as exc:
            raise CommandError(exc.messages[0]) from None

    def _handle(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "register":
            issued = clients.register_client(
                None,
                name=options["name"],
                role=Role(options["role"]),
                municipality_id=options["municipality"],
                county_id=options["county"],
                doctor_id=options["doctor"],
                contact=options["contact"],
                rate_per_minute=options["rate"],
            )
            self._secret(issued)
        elif action == "issue":
            client = ApiClient.objects.filter(name=options["name"]).first()
            if client is None:
                raise CommandError(f"Ingen API-klient heter «{options['name']}».")
            self._secret(clients.issue_token(None, client))
        elif action in ("rotate", "revoke"):
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError(f"Ingen nøkkel har prefikset «{options['prefix']}».")
            if action == "rotate":
                self._secret(clients.rotate_token(None, token))
            else:
                clients.revoke_token(None, token)
                self.stdout.write(f"Nøkkelen {token.prefix} er trukket tilbake.")
        else:
            for client in ApiClient.objects.prefetch_related("tokens"):
                self.stdout.write(f"{client.name} ({'aktiv' if client.active else 'inaktiv'})")
                for token in client.tokens.all():
                    state = (
                        "tilbaketrukket"
                        if token.revoked_at
                        else (
                            f"utløper {token.expires_at:%d.%m.%Y %H:%M}"
                            if token.expires_at
                            else "gyldig"
                        )
                    )
                    self.stdout.write(f"  {token.prefix}  {state}")

    def _secret(self, issued: clients.Issued) -> None:
        self.stdout.write(
            f"Klient «{issued.client.name}», nøkkel {issued.token.prefix}. Hemmeligheten vises "
            "bare nå; gi den til systemet på en sikker måte:"
        )
        self.stdout.write(issued.secret)
