"""Admin for the measures app (fastlege.core.admin_tools: bounded counts, indexed search,
audited writes). Municipalities and the county governor use the pages under /tiltak/;
the admin is for national staff correcting the catalogue or a registration."""

from __future__ import annotations

from django.contrib import admin

from fastlege.core.admin_tools import FastlegeModelAdmin
from fastlege.measures.models import Demand, DemandList, Measure, MeasureType


@admin.register(MeasureType)
class MeasureTypeAdmin(FastlegeModelAdmin):
    list_display = ("name", "code", "category", "unit", "status", "proposed_by_municipality")
    list_filter = ("status", "category")
    list_select_related = ("proposed_by_municipality",)
    search_fields = ("^name", "=code")
    ordering = ("position", "name")
    sortable_by = ("name",)
    raw_id_fields = ("proposed_by", "decided_by", "proposed_by_municipality")


@admin.register(Measure)
class MeasureAdmin(FastlegeModelAdmin):
    list_display = ("measure_type", "municipality", "status", "value", "unit", "starts_on")
    list_filter = ("status", "municipality__county", "measure_type")
    list_select_related = ("measure_type", "municipality")
    search_fields = ("=municipality__number", "^municipality__name")
    ordering = ("municipality", "measure_type")
    sortable_by = ("municipality",)
    raw_id_fields = ("municipality", "created_by")


class DemandInline(admin.TabularInline):
    model = Demand
    extra = 0
    fields = ("position", "text", "measure_type", "status", "answer", "measure")
    raw_id_fields = ("measure",)


@admin.register(DemandList)
class DemandListAdmin(FastlegeModelAdmin):
    list_display = ("title", "municipality", "submitted_by", "received_on")
    list_select_related = ("municipality",)
    search_fields = ("^title",)
    ordering = ("municipality", "-received_on")
    sortable_by = ("title",)
    raw_id_fields = ("municipality", "created_by")
    inlines = (DemandInline,)


@admin.register(Demand)
class DemandAdmin(FastlegeModelAdmin):
    list_display = ("position", "text", "demand_list", "measure_type", "status")
    list_filter = ("status",)
    list_select_related = ("demand_list", "measure_type")
    ordering = ("demand_list", "position")
    sortable_by = ()
    raw_id_fields = ("demand_list", "measure", "measure_type")
