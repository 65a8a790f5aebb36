"""Admin for the statistics tables: read only; they are written by ``stats-fill``."""

from __future__ import annotations

from django.contrib import admin

from fastlege.core.admin_tools import ReadOnlyModelAdmin
from fastlege.stats.models import AreaMonthCount, StatsFill


@admin.register(AreaMonthCount)
class AreaMonthCountAdmin(ReadOnlyModelAdmin):
    list_display = (
        "month",
        "kind",
        "code",
        "gps",
        "lists",
        "lists_with_gp",
        "on_lists",
        "ceiling_sum",
        "unassigned",
        "waiting",
    )
    list_filter = ("kind", "month")
    search_fields = ("=code",)
    ordering = ("-month", "kind", "code")
    sortable_by = ("month",)


@admin.register(StatsFill)
class StatsFillAdmin(ReadOnlyModelAdmin):
    list_display = ("month", "run", "version", "filled_at", "filled_by", "rows", "seconds")
    list_select_related = ("run", "filled_by")
    ordering = ("-month",)
    sortable_by = ("month",)
