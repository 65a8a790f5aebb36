"""Admin for notices: read only (a user chooses on /varsler/; notices are written by
``notify`` and the digests)."""

from __future__ import annotations

from django.contrib import admin

from fastlege.core.admin_tools import ReadOnlyModelAdmin
from fastlege.notices.models import Notice, NoticeEmail, NoticePreference


@admin.register(NoticePreference)
class NoticePreferenceAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "user", "kind", "frequency", "updated_at")
    list_filter = ("kind", "frequency")
    list_select_related = ("user",)
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "user", "kind", "frequency", "created_at", "due_at", "email")
    list_filter = ("kind", "frequency")
    list_select_related = ("user",)
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(NoticeEmail)
class NoticeEmailAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "user", "kind", "subject", "created_at", "sent_at", "attempts")
    list_filter = ("kind",)
    list_select_related = ("user",)
    ordering = ("-id",)
    sortable_by = ("id",)
