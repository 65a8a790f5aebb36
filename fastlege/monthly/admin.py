"""Admin for the monthly update: runs, their trace and the month snapshots (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fastlege.core.admin_tools import ReadOnlyModelAdmin
from fastlege.monthly.models import (
    ListMonthSnapshot,
    MonthMove,
    MonthRun,
    MunicipalityMonthSnapshot,
)
from fastlege.monthly.services import MonthlyError, parse_month, run_month
from fastlege.monthly.services.engine import next_month
from fastlege.registry.services.access import scope_of


class RunMonthForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Måned (ÅÅÅÅ-MM)"),
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2026-12", "size": 8}),
    )

    def clean_month(self) -> Any:
        try:
            return parse_month(self.cleaned_data["month"])
        except MonthlyError as exc:
            raise forms.ValidationError(exc.messages[0], code=exc.code) from None


def may_run_month(request: HttpRequest) -> bool:
    """National administrators (and superusers) only."""
    return scope_of(request.user).everything


@admin.register(MonthRun)
class MonthRunAdmin(ReadOnlyModelAdmin):
    change_list_template = "admin/monthly/monthrun/change_list.html"
    list_display = (
        "month",
        "status",
        "source",
        "started_at",
        "finished_at",
        "started_by",
        "switches_applied",
        "unassigned_placed",
        "waiting_placed",
        "chain_placed",
    )
    list_filter = ("status", "source")
    list_select_related = ("started_by",)
    ordering = ("-month", "-id")
    sortable_by = ("month",)

    def get_urls(self) -> list[URLPattern]:
        run = path(
            "kjor/", self.admin_site.admin_view(self.run_month_view), name="monthly_monthrun_run"
        )
        return [run, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {**(extra_context or {}), "can_run_month": may_run_month(request)}
        return super().changelist_view(request, extra_context=extra)

    def run_month_view(self, request: HttpRequest) -> HttpResponse:
        """Start the monthly run from the admin (national administrator only)."""
        if not may_run_month(request):
            raise PermissionDenied
        form = RunMonthForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                result = run_month(
                    request.user, form.cleaned_data["month"], source=MonthRun.Source.ADMIN
                )
            except MonthlyError as exc:
                form.add_error("month", exc.messages[0])
            else:
                run = result.run
                if result.already_done:
                    self.message_user(
                        request,
                        _("%(month)s er allerede kjørt; ingenting er endret.")
                        % {"month": f"{run.month:%Y-%m}"},
                        messages.WARNING,
                    )
                else:
                    self.message_user(
                        request,
                        _(
                            "Månedskjøring %(month)s ferdig: %(moved)s flyttet, "
                            "%(ended)s listeplasser avsluttet."
                        )
                        % {
                            "month": f"{run.month:%Y-%m}",
                            "moved": run.moved,
                            "ended": run.ended_memberships,
                        },
                        messages.SUCCESS,
                    )
                return HttpResponseRedirect(reverse("admin:monthly_monthrun_change", args=[run.pk]))
        last = (
            MonthRun.objects.filter(status=MonthRun.Status.COMPLETED)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kjør månedsoppdatering"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "next_month": f"{next_month(last):%Y-%m}" if last else "",
        }
        return TemplateResponse(request, "admin/monthly/monthrun/run_month.html", context)


@admin.register(MonthMove)
class MonthMoveAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = (
        "id",
        "run",
        "seq",
        "resident",
        "step",
        "rule",
        "from_agreement",
        "to_agreement",
    )
    list_filter = ("step", "rule")
    list_select_related = ("run", "resident", "from_agreement__practice", "to_agreement__practice")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(ListMonthSnapshot)
class ListMonthSnapshotAdmin(ReadOnlyModelAdmin):
    list_display = (
        "month",
        "agreement",
        "municipality",
        "ceiling",
        "length",
        "has_regular_gp",
        "waiting_count",
        "is_open",
    )
    list_filter = ("month", "has_regular_gp", "is_open")
    list_select_related = ("agreement__practice", "municipality")
    ordering = ("-month", "agreement")
    sortable_by = ("month",)


@admin.register(MunicipalityMonthSnapshot)
class MunicipalityMonthSnapshotAdmin(ReadOnlyModelAdmin):
    list_display = ("month", "municipality", "residents", "listed", "unassigned", "waiting")
    list_filter = ("month",)
    list_select_related = ("municipality",)
    ordering = ("-month", "municipality")
    sortable_by = ("month",)
