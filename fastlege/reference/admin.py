"""Admin for reference data.

Reference data comes from SSB and Kartverket through ``fastlege
load_reference`` and is read-only here. The one exception is
``Municipality.automatic_placement``: whether the municipality has asked Helfo
to switch off automatic placement of unassigned residents.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fastlege.core.admin_tools import FastlegeModelAdmin, ReadOnlyModelAdmin
from fastlege.reference.models import (
    County,
    KostraGpFigures,
    KostraGpTrend,
    Municipality,
    MunicipalityBorder,
    MunicipalityPopulation,
    PostalCode,
)


@admin.register(County)
class CountyAdmin(ReadOnlyModelAdmin):
    list_display = ("number", "name", "official_name")
    search_fields = ("=number", "^name")
    search_help_text = _("Fylkesnummer eller begynnelsen av navnet.")
    ordering = ("number",)


@admin.register(Municipality)
class MunicipalityAdmin(FastlegeModelAdmin):
    """Read-only except the switch for automatic placement of unassigned residents."""

    list_display = ("number", "name", "county", "centrality", "automatic_placement")
    list_filter = ("county", "centrality", "automatic_placement", "sami_language_area")
    list_select_related = ("county",)
    search_fields = ("=number", "^name")
    search_help_text = _("Kommunenummer eller begynnelsen av navnet.")
    ordering = ("number",)
    fields = (
        "number",
        "name",
        "official_name",
        "county",
        "centrality",
        "centrality_index",
        "automatic_placement",
        "sami_language_area",
        "links",
    )
    readonly_fields = (
        "number",
        "name",
        "official_name",
        "county",
        "centrality",
        "centrality_index",
        "sami_language_area",  # reference data (fastlege/reference/sami.py)
        "links",
    )
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("se også"))
    def links(self, obj: Municipality) -> str:
        if obj.pk is None:
            return "–"
        agreements = reverse("admin:registry_agreement_changelist")
        residents = reverse("admin:registry_resident_changelist")
        return format_html(
            '<a href="{}?municipality={}">{}</a> · <a href="{}?municipality={}">{}</a>',
            agreements,
            obj.pk,
            _("Fastlegeavtaler i kommunen"),
            residents,
            obj.pk,
            _("Innbyggere i kommunen"),
        )


@admin.register(MunicipalityPopulation)
class MunicipalityPopulationAdmin(ReadOnlyModelAdmin):
    list_display = ("municipality", "year", "population")
    list_filter = ("year", "municipality__county")
    list_select_related = ("municipality",)
    search_fields = ("=municipality__number", "^municipality__name")
    search_help_text = _("Kommunenummer eller begynnelsen av kommunenavnet.")
    ordering = ("municipality", "year")


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "place", "municipality")
    list_filter = ("municipality__county",)
    list_select_related = ("municipality",)
    search_fields = ("=code", "^place")
    search_help_text = _("Postnummer eller begynnelsen av poststedet.")
    ordering = ("code",)


@admin.register(KostraGpFigures)
class KostraGpFiguresAdmin(ReadOnlyModelAdmin):
    list_display = (
        "municipality",
        "year",
        "lists_total",
        "lists_without_gp",
        "share_without_gp_pct",
        "mean_list_length",
        "capacity",
        "reserve_capacity",
    )
    list_filter = ("year", "municipality__county")
    list_select_related = ("municipality",)
    search_fields = ("=municipality__number", "^municipality__name")
    search_help_text = _("Kommunenummer eller begynnelsen av kommunenavnet.")
    ordering = ("municipality", "year")


@admin.register(KostraGpTrend)
class KostraGpTrendAdmin(ReadOnlyModelAdmin):
    list_display = (
        "municipality",
        "year",
        "share_without_gp_pct",
        "mean_list_length",
        "reserve_capacity",
    )
    list_filter = ("year", "municipality__county")
    list_select_related = ("municipality",)
    search_fields = ("=municipality__number", "^municipality__name")
    search_help_text = _("Kommunenummer eller begynnelsen av kommunenavnet.")
    ordering = ("municipality", "year")


@admin.register(MunicipalityBorder)
class MunicipalityBorderAdmin(ReadOnlyModelAdmin):
    list_display = ("municipality", "neighbour")
    list_filter = ("municipality__county",)
    list_select_related = ("municipality", "neighbour")
    search_fields = ("=municipality__number", "^municipality__name")
    search_help_text = _("Kommunenummer eller begynnelsen av kommunenavnet.")
    ordering = ("municipality", "neighbour")
