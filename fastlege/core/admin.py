"""Admin for the audit trail: read-only for everybody, superusers included.

The log grows with every read of a person's data, so it is browsed by
filters that an index serves: object type + object id (``audit_object_idx``)
and the user (the foreign-key index on ``actor``). There is no free-text
search.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fastlege.core.admin_tools import ReadOnlyModelAdmin, selected_object_filter
from fastlege.core.models import AuditEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def fastlege_model_labels() -> list[tuple[str, StrOrPromise]]:
    return [
        (model._meta.label_lower, model._meta.verbose_name or model.__name__)
        for model in apps.get_models()
        if model.__module__.startswith("fastlege.")
    ]


class ObjectTypeFilter(admin.SimpleListFilter):
    """Object type from the installed fastlege models (no DISTINCT over the log)."""

    title = _("objekttype")
    parameter_name = "object_type"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> Iterable[tuple[Any, StrOrPromise]]:
        return fastlege_model_labels()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(object_type=value) if value else queryset


class ObjectIdFilter(admin.SimpleListFilter):
    """The one object shown, set by the «Vis revisjonslogg» links.

    Without an object type the filter still names the types, so the
    (object_type, object_id) index serves it.
    """

    title = _("objekt-id")
    parameter_name = "object_id"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> Iterable[tuple[Any, StrOrPromise]]:
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if ObjectTypeFilter.parameter_name not in request.GET:
            queryset = queryset.filter(
                object_type__in=[label for label, _name in fastlege_model_labels()]
            )
        return queryset.filter(object_id=value)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("at", "kind", "action_code", "actor", "object_type_code", "object_id", "reason")
    list_filter = (
        "kind",
        ObjectTypeFilter,
        ObjectIdFilter,
        selected_object_filter("actor", get_user_model(), _("utført av")),
    )
    list_select_related = ("actor",)
    ordering = ("-id",)
    sortable_by = ("at",)
    fields = (
        "at",
        "kind",
        "action_code",
        "actor",
        "object_type_code",
        "object_id",
        "reason",
        "details_code",
    )
    readonly_fields = fields

    # The trail's action, object type and details are the program's own codes (what
    # the filters and exports use); they are shown as codes, not as words.
    @admin.display(description=_("handling"))
    def action_code(self, obj: AuditEvent) -> str:
        return format_html("<code>{}</code>", obj.action)

    @admin.display(description=_("objekttype"))
    def object_type_code(self, obj: AuditEvent) -> str:
        return format_html("<code>{}</code>", obj.object_type)

    @admin.display(description=_("detaljer"))
    def details_code(self, obj: AuditEvent) -> str:
        text = json.dumps(obj.details, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre><code>{}</code></pre>", text)
