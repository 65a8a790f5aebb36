"""Admin for the dialogue app. Every page follows fastlege.core.admin_tools:
bounded counts, indexed search, audited writes. Registrants' and submitters'
personal data are shown read-only; opening one is audit-logged on the meeting
or consultation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fastlege.core import audit
from fastlege.core.admin_tools import (
    ADMIN_READ_REASON,
    FastlegeModelAdmin,
    ReadOnlyModelAdmin,
    selected_object_filter,
)
from fastlege.dialogue.models import (
    ActionStatusChange,
    AgendaItem,
    CaseDecision,
    CaseIndicator,
    Consultation,
    ConsultationTheme,
    FollowUpAction,
    Forum,
    ForumCase,
    ForumParty,
    GroupNote,
    GroupQuestion,
    Meeting,
    MeetingSeries,
    MunicipalityFollowUp,
    OutgoingEmail,
    ProgrammeItem,
    Registration,
    Submission,
    SubmissionAttachment,
    WorkGroup,
)

MeetingFilter = selected_object_filter("meeting", Meeting, _("møte"))
ConsultationFilter = selected_object_filter("consultation", Consultation, _("innspillsrunde"))


class PersonalDataReadMixin(admin.ModelAdmin):
    """Opening a registration or submission records a READ on its meeting/consultation."""

    owner_path = ""

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and not add:
            owner = getattr(obj, self.owner_path)
            audit.record_read(
                request.user,
                owner,
                ADMIN_READ_REASON,
                action=f"admin.read {obj._meta.label_lower} {obj.pk}",
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class ProgrammeInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ("start_time", "end_time", "kind", "title", "speaker", "minutes_per_speaker")


class ThemeInline(admin.TabularInline):
    model = ConsultationTheme
    extra = 0


class PartyInline(admin.TabularInline):
    model = ForumParty
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = CaseIndicator
    extra = 0


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(FastlegeModelAdmin):
    list_display = ("title", "organiser_name", "county", "created_at")
    list_select_related = ("county",)
    search_fields = ("^title",)
    ordering = ("-created_at",)
    sortable_by = ("title", "created_at")
    raw_id_fields = ("created_by",)


@admin.register(Meeting)
class MeetingAdmin(FastlegeModelAdmin):
    list_display = ("title", "date", "start_time", "kind", "county", "published", "capacity")
    list_filter = ("kind", "published", "county")
    list_select_related = ("county",)
    search_fields = ("^title",)
    ordering = ("-date",)
    sortable_by = ("title", "date")
    date_hierarchy = None
    inlines = (ProgrammeInline,)
    raw_id_fields = ("created_by", "series", "forum")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(FastlegeModelAdmin):
    list_display = ("meeting", "start_time", "end_time", "kind", "title")
    list_filter = (MeetingFilter, "kind")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting",)
    ordering = ("meeting", "start_time")
    sortable_by = ()


@admin.register(Registration)
class RegistrationAdmin(PersonalDataReadMixin, ReadOnlyModelAdmin):
    """Read-only: registrations change only through the services (capacity, waiting list)."""

    owner_path = "meeting"
    list_display = ("id", "meeting", "status", "role", "registered_at", "anonymised_at")
    list_filter = (MeetingFilter, "status", "role")
    list_select_related = ("meeting",)
    exclude = ("token",)
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(WorkGroup)
class WorkGroupAdmin(FastlegeModelAdmin):
    list_display = ("name", "meeting")
    list_filter = (MeetingFilter,)
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting", "rapporteur")
    ordering = ("meeting", "name")
    sortable_by = ()


@admin.register(GroupNote)
class GroupNoteAdmin(FastlegeModelAdmin):
    list_display = ("group", "written_at")
    list_select_related = ("group",)
    raw_id_fields = ("group", "written_by")
    ordering = ("-written_at",)
    sortable_by = ()


@admin.register(FollowUpAction)
class FollowUpActionAdmin(FastlegeModelAdmin):
    list_display = ("what", "owner_kind", "responsible", "due", "status", "meeting")
    list_filter = (MeetingFilter, "status", "owner_kind")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting", "case", "group", "municipality", "party", "created_by")
    ordering = ("due", "id")
    sortable_by = ("due",)


@admin.register(MunicipalityFollowUp)
class MunicipalityFollowUpAdmin(ReadOnlyModelAdmin):
    """Written only on the county page (``record_follow_up``: the county governor of the
    county, audited)."""

    list_display = ("municipality", "last_contacted", "updated_at")
    list_select_related = ("municipality",)
    ordering = ("municipality",)


@admin.register(Forum)
class ForumAdmin(FastlegeModelAdmin):
    list_display = ("name", "created_at")
    inlines = (PartyInline,)
    ordering = ("name",)
    search_fields = ("^name",)


@admin.register(ForumParty)
class ForumPartyAdmin(FastlegeModelAdmin):
    list_display = ("short_name", "name", "forum", "active")
    list_select_related = ("forum",)
    ordering = ("forum", "short_name")


@admin.register(ForumCase)
class ForumCaseAdmin(FastlegeModelAdmin):
    list_display = ("title", "forum", "status", "opened_on", "closed_on")
    list_filter = ("status",)
    list_select_related = ("forum",)
    inlines = (IndicatorInline,)
    search_fields = ("^title",)
    ordering = ("-opened_on",)
    sortable_by = ("opened_on",)


@admin.register(CaseIndicator)
class CaseIndicatorAdmin(FastlegeModelAdmin):
    list_display = ("case", "label", "code_shown")
    list_select_related = ("case",)
    ordering = ("case", "code")
    sortable_by = ()

    @admin.display(description=_("indikator"))
    def label(self, obj: CaseIndicator) -> str:
        return obj.label

    @admin.display(description=_("kode i eksport og API"), ordering="code")
    def code_shown(self, obj: CaseIndicator) -> str:
        return format_html("<code>{}</code>", obj.code)


@admin.register(AgendaItem)
class AgendaItemAdmin(FastlegeModelAdmin):
    list_display = ("meeting", "position", "case")
    list_filter = (MeetingFilter,)
    list_select_related = ("meeting", "case")
    raw_id_fields = ("meeting", "case")
    ordering = ("meeting", "position")
    sortable_by = ()


@admin.register(CaseDecision)
class CaseDecisionAdmin(FastlegeModelAdmin):
    list_display = ("case", "decided_on", "closes_case", "meeting")
    list_select_related = ("case", "meeting")
    raw_id_fields = ("case", "meeting", "recorded_by")
    ordering = ("-decided_on",)
    sortable_by = ("decided_on",)


@admin.register(Consultation)
class ConsultationAdmin(FastlegeModelAdmin):
    list_display = ("title", "opens_at", "deadline", "county", "status")
    list_filter = ("status", "county")
    list_select_related = ("county",)
    inlines = (ThemeInline,)
    search_fields = ("^title",)
    raw_id_fields = ("created_by", "meeting")
    ordering = ("-deadline",)
    sortable_by = ("title", "deadline")


@admin.register(ConsultationTheme)
class ConsultationThemeAdmin(FastlegeModelAdmin):
    list_display = ("name", "consultation", "position")
    list_filter = (ConsultationFilter,)
    list_select_related = ("consultation",)
    ordering = ("consultation", "position")
    sortable_by = ()


@admin.register(Submission)
class SubmissionAdmin(PersonalDataReadMixin, ReadOnlyModelAdmin):
    """Read-only: organisers mark and comment on the organiser page."""

    owner_path = "consultation"
    list_display = ("id", "consultation", "submitter_kind", "submitted_at", "marked")
    list_filter = (
        ConsultationFilter,
        "submitter_kind",
        "marked",
        "requests_non_public",
        "withheld_reason",
    )
    list_select_related = ("consultation",)
    exclude = ("token",)
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(SubmissionAttachment)
class SubmissionAttachmentAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "submission", "kind", "size")
    exclude = ("content",)
    list_select_related = ("submission",)
    ordering = ("-id",)
    sortable_by = ("id",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("content")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyModelAdmin):
    """The e-mail log. Addresses are personal data; bodies hold confirmation links."""

    list_display = ("id", "purpose", "created_at", "sent_at", "attempts")
    list_filter = ("purpose",)
    exclude = ("to", "body", "link")
    ordering = ("-id",)
    sortable_by = ("id",)


# issue 21, part 1: invitations (read-only: they change only through the services)
from fastlege.dialogue.models_invitations import Invitation  # noqa: E402


@admin.register(Invitation)
class InvitationAdmin(PersonalDataReadMixin, ReadOnlyModelAdmin):
    owner_path = "meeting"
    list_display = ("id", "meeting", "municipality", "invited_at", "reminder_sent_at")
    list_filter = (MeetingFilter,)
    list_select_related = ("meeting", "municipality")
    ordering = ("-id",)
    sortable_by = ("id",)


# A meeting's situation report: read-only, a version is frozen (services/situation.py).
from fastlege.dialogue.models_situation import SituationReport  # noqa: E402


@admin.register(SituationReport)
class SituationReportAdmin(ReadOnlyModelAdmin):
    """Read-only: a version is never changed; a new one is made from the meeting page."""

    list_display = ("meeting", "version", "county", "as_of_month", "made_at")
    list_filter = (MeetingFilter, "county")
    list_select_related = ("meeting", "county")
    exclude = ("pdf", "public_pdf")
    ordering = ("-made_at",)
    sortable_by = ("made_at",)


@admin.register(GroupQuestion)
class GroupQuestionAdmin(FastlegeModelAdmin):
    list_display = ("group", "position", "answered_at")
    list_select_related = ("group",)
    raw_id_fields = ("group", "answered_by")
    ordering = ("group", "position")
    sortable_by = ()


@admin.register(ActionStatusChange)
class ActionStatusChangeAdmin(ReadOnlyModelAdmin):
    """Written only by ``set_action_status`` (the owner or the organiser, audited)."""

    list_display = ("action", "old_status", "new_status", "changed_at")
    list_select_related = ("action",)
    ordering = ("-changed_at",)
    sortable_by = ()


from fastlege.dialogue import admin_commitments, admin_consultations  # noqa: E402,F401
