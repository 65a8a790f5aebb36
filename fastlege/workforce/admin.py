"""Admin for the workforce app (fastlege.core.admin_tools: audited writes). Planners
use the pages under /arbeidskraft/; population projections are loaded with the
``workforce_import_population`` command, so they are read only here."""

from __future__ import annotations

from django.contrib import admin

from fastlege.core.admin_tools import FastlegeModelAdmin, ReadOnlyModelAdmin
from fastlege.workforce.models import PopulationProjection, Scenario


@admin.register(Scenario)
class ScenarioAdmin(FastlegeModelAdmin):
    list_display = ("name", "preset", "created_by", "municipality", "county", "updated_at")
    list_filter = ("population_variant",)
    list_select_related = ("created_by", "municipality", "county")
    search_fields = ("^name",)
    ordering = ("name",)
    raw_id_fields = ("created_by", "municipality", "county", "copied_from")


@admin.register(PopulationProjection)
class PopulationProjectionAdmin(ReadOnlyModelAdmin):
    list_display = ("municipality", "year", "people", "source", "imported_at")
    list_select_related = ("municipality",)
    search_fields = ("=municipality__number",)
    ordering = ("municipality", "year")


# --- ALIS (entered on the ALIS pages through services.alis; read only here) -------
from fastlege.workforce.models import AlisAgreement  # noqa: E402


@admin.register(AlisAgreement)
class AlisAgreementAdmin(ReadOnlyModelAdmin):
    list_display = ("doctor", "municipality", "start", "planned_completion", "completed_on")
    list_filter = ("stays_after_completion",)
    list_select_related = ("doctor", "municipality")
    search_fields = ("=municipality__number", "=doctor__hpr_number")
    ordering = ("municipality", "-start")
    raw_id_fields = ("municipality", "doctor", "agreement", "supervisor")
