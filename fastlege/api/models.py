"""API clients: other systems (a municipality's case system, a GP's record system, a
statistics office) registered by the national administrator, and their tokens.

A client acts through a service account: a user without a password with one role
assignment (``accounts.RoleAssignment``), so an API call is scoped and audited by
exactly the rules of the web pages (``registry.services.access.scope_of``).
Tokens are stored as a SHA-256 hash of the secret (the secret has 256 random bits,
so a plain hash is enough; it is never stored or shown again).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    name = models.CharField(_("navn"), max_length=200, unique=True)
    contact = models.CharField(
        _("kontakt"), max_length=200, blank=True, help_text=_("Hvem som svarer for systemet.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tjenestekonto"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    rate_per_minute = models.PositiveIntegerField(
        _("grense per minutt"), default=600, help_text=_("Kall per minutt før svar 429.")
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    client = models.ForeignKey(
        ApiClient, verbose_name=_("klient"), on_delete=models.CASCADE, related_name="tokens"
    )
    prefix = models.CharField(_("prefiks"), max_length=12, unique=True)
    secret_hash = models.CharField(_("hash av hemmeligheten"), max_length=64)
    created_at = models.DateTimeField(_("laget"), default=timezone.now)
    expires_at = models.DateTimeField(_("utløper"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client} {self.prefix}…"

    def valid_at(self, when: object) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > when)  # type: ignore[operator]


class RateCounter(models.Model):
    """Calls in the current one-minute window of one caller (an API client, or the
    hashed address of a call without a token): ``fastlege.api.throttling``."""

    key = models.CharField(_("nøkkel"), max_length=80, primary_key=True)
    window_start = models.BigIntegerField(_("vinduets start (Unix-sekunder)"))
    calls = models.PositiveIntegerField(_("kall i vinduet"))

    class Meta:
        verbose_name = _("kallteller")
        verbose_name_plural = _("kalltellere")

    def __str__(self) -> str:
        return f"{self.key}: {self.calls}"
