"""API clients in the admin: read-only (registering and rotating go through the
services, from ``fastlege api_client``), with revoking as an action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fastlege.api.models import ApiClient, ApiToken, RateCounter
from fastlege.api.services import clients
from fastlege.api.services.errors import ApiClientError
from fastlege.core.admin_tools import ReadOnlyModelAdmin


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "contact", "rate_per_minute", "active", "created_at"]
    inlines = [ApiTokenInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    list_display = ["client", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description=_("Trekk tilbake valgte nøkler (virker ikke lenger)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                clients.revoke_token(request.user, token)
                done += 1
            except ApiClientError as exc:
                self.message_user(request, exc.messages[0], messages.ERROR)
                return
        self.message_user(request, _("%(n)s nøkler trukket tilbake.") % {"n": done})


@admin.register(RateCounter)
class RateCounterAdmin(ReadOnlyModelAdmin):
    """The current minute's calls per caller: read-only, to see who is near the limit."""

    list_display = ["key", "window_start", "calls"]
    not_figures = ("window_start",)
