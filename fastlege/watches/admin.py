"""Admin for watches: read only (a citizen starts and stops a watch on their own page)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from fastlege.core.admin_tools import ReadOnlyModelAdmin, selected_object_filter
from fastlege.registry.models import Agreement, Resident
from fastlege.watches.models import Watch, WatchNotice

ResidentFilter = selected_object_filter("resident", Resident, _("innbygger"))
AgreementFilter = selected_object_filter("agreement", Agreement, _("fastlegeliste"))


@admin.register(Watch)
class WatchAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = (
        "id",
        "resident",
        "kind",
        "agreement",
        "municipality",
        "filters",
        "created_at",
        "ended_at",
    )
    list_filter = ("kind", ResidentFilter, AgreementFilter)
    list_select_related = ("resident", "agreement__practice", "municipality")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(WatchNotice)
class WatchNoticeAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = ("id", "resident", "agreement", "month", "free_places", "emailed_at")
    list_filter = (ResidentFilter, AgreementFilter)
    list_select_related = ("resident", "agreement__practice")
    ordering = ("-id",)
    sortable_by = ("id", "month")
