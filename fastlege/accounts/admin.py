"""Admin for users and their roles.

django.contrib.auth's UserAdmin is re-registered with the roles as an inline,
with bounded counts and indexed search (citizens log in too, so the user
table can grow to millions), and with every change audit-logged: a role
decides which personal data a user may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import router, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastlege.accounts import second_factor
from fastlege.accounts.forms import AdminLoginForm, UserCreateForm, UserEditForm
from fastlege.accounts.models import RoleAssignment, UsernameKey
from fastlege.core import audit
from fastlege.core.admin_tools import (
    ADMIN_WRITE_REASON,
    AuditWriteMixin,
    FastlegeModelAdmin,
    NationalScaleMixin,
    ReadOnlyModelAdmin,
)

User = get_user_model()


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "municipality", "county", "resident", "doctor")
    autocomplete_fields = ("municipality", "county", "doctor")
    raw_id_fields = ("resident",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleAssignment]:
        return (
            super()
            .get_queryset(request)
            .select_related("municipality", "county", "resident", "doctor")
        )


# The admin's log-in names its refusal by the log-in limit; the limit itself is the
# authentication backend's, for every log-in path (fastlege/accounts/backends.py).
admin.site.login_form = AdminLoginForm

for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

# django-otp's own admin pages show the app's secret and would let staff add devices
# for others: the devices are kept only by fastlege/accounts/second_factor.py, and the
# admin's one tool is the reset below (audited).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(AuditWriteMixin, NationalScaleMixin, DjangoUserAdmin):
    inlines = (RoleAssignmentInline,)
    add_form = UserCreateForm
    form = UserEditForm
    search_fields = ("^username",)
    search_help_text = _("Begynnelsen av brukernavnet.")
    list_filter = ("is_staff", "is_superuser", "is_active")
    ordering = ("username",)
    sortable_by = ("username",)
    actions = ("reset_second_factor",)

    @admin.action(
        description=_("Nullstill andre faktor (app og reservekoder)"),
        permissions=("change",),
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """After a lost phone, once the person is known: each chosen user sets up a
        new app at the next log-in. Each reset is a security event."""
        for user in queryset:
            second_factor.reset_second_factor(request.user, user, request)
        self.message_user(
            request,
            _("Andre faktor er nullstilt for %(n)d bruker(e).") % {"n": queryset.count()},
            messages.SUCCESS,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The audit trail refers to users: deactivate («aktiv» off) instead of deleting.
        return False

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                audit.record(
                    request.user,
                    "admin.change",
                    self.get_object(request, unquote(id)),
                    reason=ADMIN_WRITE_REASON,
                    fields=["password"],
                )
        return response

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, (_("Se også"), {"fields": ("audit_links",)}))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "audit_links")

    @admin.display(description=_("revisjonslogg"))
    def audit_links(self, obj: Any) -> str:
        if obj is None or obj.pk is None:
            return "–"
        url = reverse("admin:core_auditevent_changelist")
        return format_html(
            '<a href="{}?actor={}">{}</a> · <a href="{}?object_type={}&object_id={}">{}</a>',
            url,
            obj.pk,
            _("Hva brukeren har sett og endret"),
            url,
            obj._meta.label_lower,
            obj.pk,
            _("Endringer av brukeren"),
        )


@admin.register(Group)
class GroupAdmin(AuditWriteMixin, DjangoGroupAdmin):
    """Groups carry admin permissions: changes are audit-logged."""


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(FastlegeModelAdmin):
    # A citizen's role names the resident: the list is a list of people, audited per page.
    person_path = "resident"
    list_display = ("id", "user", "role", "municipality", "county", "doctor", "resident")
    list_filter = ("role", "county")
    list_select_related = ("user", "municipality", "county", "doctor", "resident")
    autocomplete_fields = ("user", "municipality", "county", "doctor")
    raw_id_fields = ("resident",)
    search_fields = ("^user__username",)
    search_help_text = _("Begynnelsen av brukernavnet.")
    ordering = ("-id",)
    sortable_by = ("id", "role")


@admin.register(UsernameKey)
class UsernameKeyAdmin(ReadOnlyModelAdmin):
    """Kept by the user's save (fastlege/accounts/models.py): read only."""

    list_display = ("key", "user")
    list_select_related = ("user",)
    search_fields = ("^key",)
    search_help_text = _("Begynnelsen av brukernavnet i kanonisk form.")
    ordering = ("key",)
    sortable_by = ("key",)
