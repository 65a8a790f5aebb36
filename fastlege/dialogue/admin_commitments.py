"""Admin of the forum's agreements (commitments). The completion history is
read-only: its rows are only added, by ``services.commitments.record_progress``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fastlege.core.admin_tools import FastlegeModelAdmin, ReadOnlyModelAdmin
from fastlege.dialogue.models import (
    Commitment,
    CommitmentIndicator,
    CommitmentMilestone,
    CommitmentProgress,
)


@admin.register(Commitment)
class CommitmentAdmin(FastlegeModelAdmin):
    list_display = ("title", "forum", "owner", "status", "progress", "starts_on", "published")
    list_filter = ("status", "published")
    list_select_related = ("forum", "owner")
    raw_id_fields = ("case", "decision", "created_by")
    search_fields = ("^title",)
    ordering = ("-starts_on",)
    sortable_by = ("starts_on",)
    readonly_fields = ("progress", "status")


@admin.register(CommitmentMilestone)
class CommitmentMilestoneAdmin(FastlegeModelAdmin):
    list_display = ("title", "commitment", "due_on", "done_on")
    list_select_related = ("commitment",)
    raw_id_fields = ("commitment",)
    ordering = ("commitment", "due_on")
    sortable_by = ("due_on",)


@admin.register(CommitmentProgress)
class CommitmentProgressAdmin(ReadOnlyModelAdmin):
    list_display = ("commitment", "recorded_on", "percent", "status", "recorded_by")
    list_select_related = ("commitment", "recorded_by")
    ordering = ("-recorded_on", "-id")
    sortable_by = ("recorded_on",)


@admin.register(CommitmentIndicator)
class CommitmentIndicatorAdmin(FastlegeModelAdmin):
    list_display = ("commitment", "label", "code_shown")
    list_select_related = ("commitment",)
    raw_id_fields = ("commitment",)
    ordering = ("commitment", "code")
    sortable_by = ()

    @admin.display(description=_("indikator"))
    def label(self, obj: CommitmentIndicator) -> str:
        return str(obj)

    @admin.display(description=_("kode i eksport og API"), ordering="code")
    def code_shown(self, obj: CommitmentIndicator) -> str:
        return format_html("<code>{}</code>", obj.code)
