"""Admin for the monthly update: runs, their trace and the month snapshots (read-only)."""

from __future__ import annotations

from django.contrib import admin

from fastlege.core.admin_tools import ReadOnlyModelAdmin
from fastlege.monthly.models import (
    ListMonthSnapshot,
    MonthMove,
    MonthRun,
    MunicipalityMonthSnapshot,
)


@admin.register(MonthRun)
class MonthRunAdmin(ReadOnlyModelAdmin):
    list_display = (
        "month",
        "status",
        "source",
        "started_at",
        "finished_at",
        "started_by",
        "switches_applied",
        "unassigned_placed",
        "waiting_placed",
        "chain_placed",
    )
    list_filter = ("status", "source")
    list_select_related = ("started_by",)
    ordering = ("-month", "-id")
    sortable_by = ("month",)


@admin.register(MonthMove)
class MonthMoveAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = (
        "id",
        "run",
        "seq",
        "resident",
        "step",
        "rule",
        "from_agreement",
        "to_agreement",
    )
    list_filter = ("step", "rule")
    list_select_related = ("run", "resident", "from_agreement__practice", "to_agreement__practice")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(ListMonthSnapshot)
class ListMonthSnapshotAdmin(ReadOnlyModelAdmin):
    list_display = (
        "month",
        "agreement",
        "municipality",
        "ceiling",
        "length",
        "has_regular_gp",
        "waiting_count",
        "is_open",
    )
    list_filter = ("month", "has_regular_gp", "is_open")
    list_select_related = ("agreement__practice", "municipality")
    ordering = ("-month", "agreement")
    sortable_by = ("month",)


@admin.register(MunicipalityMonthSnapshot)
class MunicipalityMonthSnapshotAdmin(ReadOnlyModelAdmin):
    list_display = ("month", "municipality", "residents", "listed", "unassigned", "waiting")
    list_filter = ("month",)
    list_select_related = ("municipality",)
    ordering = ("-month", "municipality")
    sortable_by = ("month",)
