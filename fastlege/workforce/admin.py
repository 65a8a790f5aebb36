"""Admin for the workforce app (fastlege.core.admin_tools: audited writes). Planners
use the pages under /arbeidskraft/; population projections are loaded with the
``workforce_import_population`` command, so they are read only here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from fastlege.core.admin_tools import FastlegeModelAdmin, ReadOnlyModelAdmin
from fastlege.workforce.models import (
    PoolSubstitute,
    PopulationProjection,
    Scenario,
    SubstituteAvailability,
    SubstituteBooking,
    SubstituteRequest,
)


@admin.register(Scenario)
class ScenarioAdmin(FastlegeModelAdmin):
    list_display = ("name", "is_preset", "created_by", "municipality", "county", "updated_at")
    list_filter = ("population_variant",)
    list_select_related = ("created_by", "municipality", "county")
    search_fields = ("^name",)
    ordering = ("name",)
    raw_id_fields = ("created_by", "municipality", "county", "copied_from")

    @admin.display(description=_("forhåndsvalgt"), boolean=True)
    def is_preset(self, obj: Scenario) -> bool:
        return obj.is_preset


@admin.register(PopulationProjection)
class PopulationProjectionAdmin(ReadOnlyModelAdmin):
    list_display = ("municipality", "year", "people", "source", "imported_at")
    list_select_related = ("municipality",)
    search_fields = ("=municipality__number",)
    ordering = ("municipality", "year")


# Recruitment of lists without a regular GP (issue 17, item 3): changed through the
# pages (``services.recruitment``: the steps, and filling through the registry's
# service), so read only here.
from fastlege.workforce.models import RecruitmentCase  # noqa: E402


@admin.register(RecruitmentCase)
class RecruitmentCaseAdmin(ReadOnlyModelAdmin):
    list_display = ("agreement", "status", "opened_on", "vacant_from", "filled_on")
    list_filter = ("status",)
    list_select_related = ("agreement",)
    search_fields = ("=agreement__id", "=agreement__municipality__number")
    ordering = ("-opened_on",)


# --- The regional substitute pool: bookings are made on the pages (services.pool), so
# they are read only here; the database refuses overlaps on PostgreSQL anyway.


@admin.register(PoolSubstitute)
class PoolSubstituteAdmin(FastlegeModelAdmin):
    person_path = "doctor"  # a doctor's personal data: reads are audited
    list_display = ("doctor", "county", "home_municipality", "active", "created_at")
    list_filter = ("county", "active")
    list_select_related = ("doctor", "county", "home_municipality")
    search_fields = ("=doctor__hpr_number", "^doctor__last_name")
    ordering = ("county", "doctor")
    raw_id_fields = ("doctor", "home_municipality")
    filter_horizontal = ("municipalities",)


@admin.register(SubstituteAvailability)
class SubstituteAvailabilityAdmin(FastlegeModelAdmin):
    list_display = ("substitute", "valid_from", "valid_to")
    list_select_related = ("substitute__doctor",)
    raw_id_fields = ("substitute",)
    ordering = ("substitute", "valid_from")


@admin.register(SubstituteRequest)
class SubstituteRequestAdmin(ReadOnlyModelAdmin):
    list_display = ("municipality", "agreement", "reason", "valid_from", "valid_to", "status")
    list_filter = ("status", "reason")
    list_select_related = ("municipality",)
    search_fields = ("=municipality__number",)
    ordering = ("-valid_from",)


@admin.register(SubstituteBooking)
class SubstituteBookingAdmin(ReadOnlyModelAdmin):
    list_display = ("substitute", "request", "valid_from", "valid_to", "cost", "created_at")
    list_select_related = ("substitute__doctor", "request")
    ordering = ("-valid_from",)


# --- ALIS (entered on the ALIS pages through services.alis; read only here) -------
from fastlege.workforce.models import AlisAgreement  # noqa: E402


@admin.register(AlisAgreement)
class AlisAgreementAdmin(ReadOnlyModelAdmin):
    person_path = "doctor"  # a doctor's personal data: reads are audited
    list_display = ("doctor", "municipality", "start", "planned_completion", "completed_on")
    list_filter = ("stays_after_completion",)
    list_select_related = ("doctor", "municipality")
    search_fields = ("=municipality__number", "=doctor__hpr_number")
    ordering = ("municipality", "-start")
    raw_id_fields = ("municipality", "doctor", "agreement", "supervisor")
