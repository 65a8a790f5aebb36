"""Admin for the consultation phases (issue 21, part 4): sections, section comments
and the deadline-extension log. Section comments are submitters' text: read-only,
opening one is audit-logged on the consultation. Extensions are a log: read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from fastlege.core.admin_tools import (
    FastlegeModelAdmin,
    ReadOnlyModelAdmin,
    selected_object_filter,
)
from fastlege.dialogue.admin import PersonalDataReadMixin
from fastlege.dialogue.models import Consultation
from fastlege.dialogue.models_consultations import (
    ConsultationSection,
    DeadlineExtension,
    SectionComment,
)

ConsultationFilter = selected_object_filter("consultation", Consultation, _("innspillsrunde"))


@admin.register(ConsultationSection)
class ConsultationSectionAdmin(FastlegeModelAdmin):
    list_display = ("number", "heading", "consultation")
    list_filter = (ConsultationFilter,)
    list_select_related = ("consultation",)
    ordering = ("consultation", "number")
    sortable_by = ()


@admin.register(SectionComment)
class SectionCommentAdmin(PersonalDataReadMixin, ReadOnlyModelAdmin):
    owner_path = "consultation"
    list_display = ("id", "section", "submission")
    list_select_related = ("section__consultation", "submission")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyModelAdmin):
    list_display = ("consultation", "old_deadline", "new_deadline", "extended_at")
    list_filter = (ConsultationFilter,)
    list_select_related = ("consultation",)
    ordering = ("-extended_at",)
    sortable_by = ("extended_at",)
