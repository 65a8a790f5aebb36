"""The events in the admin (read-only, newest first) and the webhook subscriptions,
which the national administrator registers and changes here through the services
(``fastlege.events.services.subscriptions``, audited); the signing secret is shown
once, when the subscription is made."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fastlege.core import audit
from fastlege.core.admin_tools import FastlegeModelAdmin, ReadOnlyModelAdmin
from fastlege.events.models import PERSON_TYPES, Event, EventType, Subscription
from fastlege.events.services import subscriptions


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    list_display = [
        "position_shown",
        "type",
        "occurred_at",
        "list_id",
        "list_municipality",
        "object_shown",
    ]
    list_filter = ["type"]
    not_figures = ("id", "position", "object_id")
    ordering = ["-id"]
    show_full_result_count = False

    # Positions and ids are identifiers (a feed cursor, a row's id), written as codes,
    # not as figures with a thousands separator.
    @admin.display(description=Event._meta.get_field("position").verbose_name, ordering="position")
    def position_shown(self, obj: Event) -> str:
        return format_html("<code>{}</code>", obj.position) if obj.position else "–"

    @admin.display(
        description=Event._meta.get_field("object_id").verbose_name, ordering="object_id"
    )
    def object_shown(self, obj: Event) -> str:
        return format_html("<code>{}</code>", obj.object_id)

    @admin.display(description=_("liste"), ordering="agreement_id")
    def list_id(self, obj: Event) -> str:
        return format_html("<code>{}</code>", obj.agreement_id)

    @admin.display(description=_("kommune"), ordering="municipality_id")
    def list_municipality(self, obj: Event) -> str:
        return obj.municipality_id or ""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A list place's event names a person (by id): opening it is a read."""
        response = super().change_view(request, object_id, form_url, extra_context)
        event = Event.objects.filter(pk=object_id).only("type", "payload").first()
        if response.status_code == 200 and event is not None and event.type in PERSON_TYPES:
            resident = event.payload.get("resident")
            audit.record_list_read(
                request.user, "registry.resident", [str(resident)], "admin", "admin.event"
            )
        return response


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("adresse"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("hendelsestyper"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingen valgt betyr alle."),
    )
    from_start = forms.BooleanField(
        label=_("send også tidligere hendelser"),
        required=False,
        help_text=_("Ellers sendes bare hendelser etter at abonnementet er laget."),
    )

    class Meta:
        model = Subscription
        fields = ["client", "url", "event_types", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The services' own checks, as form errors (a refusal is a ValidationError).
        if data.get("url"):
            data["url"] = subscriptions.checked_url(data["url"])
        data["event_types"] = subscriptions.checked_types(data.get("event_types") or [])
        return data


@admin.register(Subscription)
class SubscriptionAdmin(FastlegeModelAdmin):
    form = SubscriptionForm
    list_display = [
        "client",
        "url",
        "active",
        "cursor",
        "failures",
        "next_attempt_at",
        "last_delivered_at",
        "last_error",
    ]
    list_filter = ["active"]
    readonly_fields = [
        "cursor",
        "failures",
        "next_attempt_at",
        "last_error",
        "last_delivered_at",
        "created_at",
    ]
    not_figures = ("cursor",)
    actions = ["retry"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["client", "url", "event_types", "from_start"]
        return ["client", "url", "event_types", "active", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["client", *self.readonly_fields] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            subscriptions.change_subscription(
                request.user,
                obj,
                url=data["url"],
                event_types=data["event_types"],
                active=data["active"],
            )
            return
        created = subscriptions.create_subscription(
            request.user,
            client=data["client"],
            url=data["url"],
            event_types=data["event_types"],
            from_start=data.get("from_start", False),
        )
        obj.pk = created.subscription.pk
        messages.warning(
            request,
            _("Hemmeligheten for signaturen (vises bare nå): %(secret)s")
            % {"secret": created.secret},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the delivery history stays

    @admin.action(description=_("Prøv valgte abonnementer igjen nå"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for sub in queryset:
            subscriptions.retry_now(request.user, sub)
        self.message_user(request, _("%(n)s abonnementer prøves igjen.") % {"n": queryset.count()})
