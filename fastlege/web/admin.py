"""Admin for the web pages' read models (read-only: the database's triggers write it)."""

from __future__ import annotations

from django.contrib import admin

from fastlege.core.admin_tools import ReadOnlyModelAdmin
from fastlege.web.models import ListLength, UnassignedCount


@admin.register(ListLength)
class ListLengthAdmin(ReadOnlyModelAdmin):
    list_display = ("agreement", "members")
    list_select_related = ("agreement__practice",)
    ordering = ("agreement",)
    sortable_by = ("agreement",)


@admin.register(UnassignedCount)
class UnassignedCountAdmin(ReadOnlyModelAdmin):
    list_display = ("municipality", "unassigned")
    ordering = ("municipality",)
    sortable_by = ("municipality", "unassigned")
