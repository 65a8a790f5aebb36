"""Admin for the GP registry, built for national volumes.

5.5 million residents and 5.5 million list memberships: see
:mod:`fastlege.core.admin_tools` for the rules every page here follows
(bounded counts, indexed search, audit of reads and writes, no identity
numbers in URLs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from fastlege.core.admin_tools import (
    FastlegeModelAdmin,
    PeriodFilter,
    ReadOnlyModelAdmin,
    name_variants,
    prefix_range_q,
    selected_object_filter,
)
from fastlege.core.identity import mask_nin, parse_nin
from fastlege.reference.models import Municipality
from fastlege.registry.models import (
    Absence,
    Agreement,
    AgreementExtension,
    CeilingChange,
    Doctor,
    DoctorPeriod,
    ListMembership,
    ListReduction,
    Notification,
    NotificationBatch,
    PopulationEvent,
    Practice,
    ReductionDraw,
    RemovalDecision,
    Resident,
    SwitchRequest,
    WaitingListEntry,
    WindDown,
)
from fastlege.registry.periods import in_force_on, not_ended_by

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MunicipalityFilter = selected_object_filter("municipality", Municipality, _("kommune"))
PracticeFilter = selected_object_filter("practice", Practice, _("legekontor"))
AgreementFilter = selected_object_filter("agreement", Agreement, _("fastlegeliste"))
ToAgreementFilter = selected_object_filter("to_agreement", Agreement, _("til liste"))
DoctorFilter = selected_object_filter("doctor", Doctor, _("lege"))
ResidentFilter = selected_object_filter("resident", Resident, _("innbygger"))
ReductionFilter = selected_object_filter("reduction", ListReduction, _("listereduksjon"))
BatchFilter = selected_object_filter("print_batch", NotificationBatch, _("utskriftsbunke"))


def _link(url_name: str, query: str, text: StrOrPromise) -> tuple[str, str, StrOrPromise]:
    return reverse(url_name), query, text


def _links(*links: tuple[str, str, StrOrPromise]) -> str:
    return format_html_join(" · ", '<a href="{}?{}">{}</a>', links)


def _current_regular_gp(today: Any) -> QuerySet[DoctorPeriod]:
    return DoctorPeriod.objects.filter(
        agreement=OuterRef("pk"),
        role=DoctorPeriod.Role.REGULAR,
    ).filter(in_force_on(today))


# -- practices and doctors ----------------------------------------------------


@admin.register(Practice)
class PracticeAdmin(FastlegeModelAdmin):
    list_display = ("name", "org_number", "municipality", "is_municipal")
    list_filter = ("is_municipal", "municipality__county", MunicipalityFilter)
    list_select_related = ("municipality",)
    search_fields = ("=org_number", "^name")
    search_help_text = _("Organisasjonsnummer eller begynnelsen av navnet.")
    autocomplete_fields = ("municipality", "postal_code")
    ordering = ("-id",)
    sortable_by = ("name",)
    readonly_fields = ("links",)

    @admin.display(description=_("se også"))
    def links(self, obj: Practice) -> str:
        if obj.pk is None:
            return "–"
        return _links(
            _link(
                "admin:registry_agreement_changelist",
                f"practice={obj.pk}",
                _("Fastlegeavtaler ved kontoret"),
            )
        )


class DoctorPeriodOfDoctorInline(admin.TabularInline):
    """The doctor's periods on lists: read-only here, edited on the agreement."""

    model = DoctorPeriod
    fk_name = "doctor"
    extra = 0
    fields = ("agreement", "role", "substitute_for", "percentage", "valid_from", "valid_to")
    readonly_fields = fields
    verbose_name_plural = _("perioder på lister")
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[DoctorPeriod]:
        return super().get_queryset(request).select_related("agreement__practice", "substitute_for")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Doctor)
class DoctorAdmin(FastlegeModelAdmin):
    list_display = ("hpr_number", "last_name", "first_name", "specialty", "sex", "birth_date")
    list_display_links = ("hpr_number", "last_name")
    list_filter = ("specialty", "sex")
    search_fields = ("=hpr_number", "^last_name")
    search_help_text = _("HPR-nummer eller begynnelsen av etternavnet.")
    ordering = ("-id",)
    sortable_by = ("hpr_number", "last_name")
    inlines = (DoctorPeriodOfDoctorInline,)
    fieldsets = (
        (None, {"fields": ("hpr_number", "first_name", "last_name", "birth_date", "sex")}),
        (
            _("Kompetanse"),
            {
                "fields": (
                    "specialty",
                    "alis_from",
                    "alis_to",
                    "competence_exemption",
                    "competence_exemption_until",
                    "speaks_sami",
                    "languages",
                )
            },
        ),
    )


# -- agreements (lists) -------------------------------------------------------


class DoctorPeriodInline(admin.TabularInline):
    """Regular GP and substitute periods on a list: a handful of rows."""

    model = DoctorPeriod
    fk_name = "agreement"
    extra = 0
    fields = (
        "doctor",
        "role",
        "substitute_for",
        "percentage",
        "valid_from",
        "valid_to",
        "end_reason",
        "notice_given_on",
    )
    autocomplete_fields = ("doctor", "substitute_for")
    ordering = ("valid_from", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DoctorPeriod]:
        return super().get_queryset(request).select_related("doctor", "substitute_for")


class HasRegularGpFilter(admin.SimpleListFilter):
    title = _("fast lege")
    parameter_name = "har_fastlege"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> Iterable[tuple[Any, StrOrPromise]]:
        return [("ja", _("med fast lege")), ("nei", _("uten fast lege (ubesatt)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "ja":
            return queryset.filter(has_regular_gp=True)
        if self.value() == "nei":
            return queryset.filter(has_regular_gp=False)
        return queryset


class AgreementActiveFilter(admin.SimpleListFilter):
    title = _("avtalen")
    parameter_name = "aktiv"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> Iterable[tuple[Any, StrOrPromise]]:
        return [("ja", _("gjeldende")), ("nei", _("avsluttet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "ja":
            return queryset.filter(not_ended_by(today))
        if self.value() == "nei":
            return queryset.filter(valid_to__lte=today)
        return queryset


@admin.register(Agreement)
class AgreementAdmin(FastlegeModelAdmin):
    """Fastlegeavtaler. Members are never an inline (thousands of rows): see «Vis medlemmer»."""

    list_display = (
        "id",
        "municipality",
        "practice",
        "regular_gp",
        "has_regular_gp",
        "ceiling",
        "list_length",
        "is_open",
        "locked_by_hand",
        "is_shared_list",
        "is_salaried",
        "valid_to",
        "members_link",
    )
    list_display_links = ("id", "practice")
    list_filter = (
        "is_open",
        HasRegularGpFilter,
        "is_shared_list",
        "is_salaried",
        "locked_by_hand",
        AgreementActiveFilter,
        "municipality__county",
        MunicipalityFilter,
        PracticeFilter,
    )
    list_select_related = ("municipality", "practice")
    search_fields = ("=id", "=practice__org_number", "^practice__name", "=external_id")
    search_help_text = _(
        "Listenummer, legekontorets organisasjonsnummer, begynnelsen av kontorets navn "
        "eller avtale-id-en fra kommunens fil."
    )
    autocomplete_fields = ("municipality", "practice")
    inlines = (DoctorPeriodInline,)
    ordering = ("-id",)
    sortable_by = ("id", "ceiling", "has_regular_gp")
    readonly_fields = ("created_at", "external_id", "list_length_detail", "links")
    fieldsets = (
        (None, {"fields": ("municipality", "practice", "valid_from", "valid_to", "end_reason")}),
        (
            _("Listen"),
            {
                "fields": (
                    "ceiling",
                    "low_ceiling_approved",
                    "list_length_detail",
                    "is_open",
                    "locked_by_hand",
                    "is_shared_list",
                    "is_salaried",
                )
            },
        ),
        (_("Se også"), {"fields": ("links", "external_id", "created_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agreement]:
        today = timezone.localdate()
        current = _current_regular_gp(today)
        members = (
            ListMembership.objects.filter(agreement=OuterRef("pk"), valid_to__isnull=True)
            .order_by()
            .values("agreement")
            .annotate(n=Count("*"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_regular_gp=Exists(current),
                regular_gp_name=Subquery(
                    current.order_by("-valid_from")
                    .annotate(
                        name=Concat(F("doctor__first_name"), Value(" "), F("doctor__last_name"))
                    )
                    .values("name")[:1]
                ),
                members_now=Coalesce(Subquery(members), 0),
            )
        )

    @admin.display(description=_("har fast lege"), boolean=True, ordering="has_regular_gp")
    def has_regular_gp(self, obj: Any) -> bool:
        return bool(obj.has_regular_gp)

    @admin.display(description=_("fastlege"))
    def regular_gp(self, obj: Any) -> str:
        return obj.regular_gp_name or "–"

    @admin.display(description=_("listelengde"))
    def list_length(self, obj: Any) -> int:
        return int(obj.members_now)

    @admin.display(description=_("listelengde"))
    def list_length_detail(self, obj: Any) -> str:
        if obj.pk is None:
            return "–"
        return format_html(
            "{} <span class='help'>({})</span>",
            obj.memberships.filter(valid_to__isnull=True).count(),
            _("innbyggere med åpen periode på listen"),
        )

    @admin.display(description=_("medlemmer"))
    def members_link(self, obj: Agreement) -> str:
        return _links(
            _link(
                "admin:registry_listmembership_changelist",
                f"agreement={obj.pk}&periode=gjeldende",
                _("Vis medlemmer"),
            )
        )

    @admin.display(description=_("se også"))
    def links(self, obj: Agreement) -> str:
        if obj.pk is None:
            return "–"
        return _links(
            _link(
                "admin:registry_listmembership_changelist",
                f"agreement={obj.pk}&periode=gjeldende",
                _("Vis medlemmer"),
            ),
            _link(
                "admin:registry_waitinglistentry_changelist",
                f"agreement={obj.pk}&status__exact={WaitingListEntry.Status.WAITING}",
                _("Venteliste"),
            ),
            _link(
                "admin:registry_switchrequest_changelist",
                f"to_agreement={obj.pk}",
                _("Byttebegjæringer til listen"),
            ),
            _link(
                "admin:registry_ceilingchange_changelist",
                f"agreement={obj.pk}",
                _("Endringer av listetak"),
            ),
            _link("admin:registry_absence_changelist", f"agreement={obj.pk}", _("Fravær")),
            _link(
                "admin:core_auditevent_changelist",
                f"object_type=registry.agreement&object_id={obj.pk}",
                _("Revisjonslogg"),
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A list is ended (gyldig til + sluttårsak), never deleted: its history stays.
        return False


@admin.register(DoctorPeriod)
class DoctorPeriodAdmin(FastlegeModelAdmin):
    list_display = (
        "id",
        "agreement",
        "doctor",
        "role",
        "substitute_for",
        "percentage",
        "valid_from",
        "valid_to",
        "end_reason",
    )
    list_filter = ("role", PeriodFilter, "end_reason", AgreementFilter, DoctorFilter)
    list_select_related = ("agreement__practice", "doctor", "substitute_for")
    search_fields = ("=doctor__hpr_number",)
    search_help_text = _("Legens HPR-nummer.")
    autocomplete_fields = ("agreement", "doctor", "substitute_for")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(CeilingChange)
class CeilingChangeAdmin(FastlegeModelAdmin):
    list_display = (
        "id",
        "agreement",
        "old_ceiling",
        "new_ceiling",
        "status",
        "requested_on",
        "effective_on",
        "shorter_notice_approved",
    )
    list_filter = ("status", "shorter_notice_approved", AgreementFilter)
    list_select_related = ("agreement__practice",)
    autocomplete_fields = ("agreement", "requested_by", "decided_by")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(Absence)
class AbsenceAdmin(FastlegeModelAdmin):
    # A GP's absence (its reason may be illness) is the doctor's personal data: reads
    # of a page or a list are audited on the doctor.
    person_path = "doctor"
    list_display = (
        "id",
        "agreement",
        "doctor",
        "reason",
        "valid_from",
        "valid_to",
        "substitute_period",
    )
    list_filter = ("reason", PeriodFilter, AgreementFilter, DoctorFilter)
    list_select_related = ("agreement__practice", "doctor", "substitute_period__doctor")
    autocomplete_fields = ("agreement", "doctor")
    raw_id_fields = ("substitute_period",)
    ordering = ("-id",)
    sortable_by = ("id",)


# -- residents and their data ---------------------------------------------------


class NinLookupForm(forms.Form):
    nin = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 14,
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resident_pk: int | None = None

    def clean_nin(self) -> str:
        parsed = parse_nin(self.cleaned_data["nin"])  # Norwegian ValidationError
        pk = Resident.objects.filter(nin=parsed.number).values_list("pk", flat=True).first()
        if pk is None:
            raise ValidationError(
                _("Fant ingen innbygger med dette fødselsnummeret."), code="nin_unknown"
            )
        self.resident_pk = pk
        return parsed.number


@admin.register(Resident)
class ResidentAdmin(FastlegeModelAdmin):
    """Innbyggere. The identity number is masked in lists and searched only by POST."""

    person_path = ""
    list_display = (
        "id",
        "last_name",
        "first_name",
        "masked_nin",
        "birth_date",
        "municipality",
        "status",
        "in_scheme",
    )
    list_display_links = ("id", "last_name")
    list_filter = (
        "status",
        "in_scheme",
        "has_d_number",
        "sex",
        "municipality__county",
        MunicipalityFilter,
    )
    list_select_related = ("municipality",)
    search_fields = ("=id", "^last_name")
    # The search box POSTs its term (core.admin_tools): an identity number finds the person
    # and never reaches a URL.
    nin_search_field = "nin"
    search_help_text = _(
        "Begynnelsen av etternavnet, «Etternavn, fornavn», innbygger-id eller "
        "fødselsnummer (sendes skjult, aldri i nettadressen)."
    )
    raw_id_fields = ("mother", "father")
    autocomplete_fields = ("municipality", "postal_code")
    ordering = ("-id",)
    sortable_by = ("id", "last_name")
    readonly_fields = ("has_d_number", "current_list", "links")
    actions = None
    fieldsets = (
        (
            None,
            {"fields": ("nin", "has_d_number", "first_name", "last_name", "birth_date", "sex")},
        ),
        (
            _("Folkeregisteret"),
            {
                "fields": (
                    "municipality",
                    "postal_code",
                    "household",
                    "status",
                    "status_changed_on",
                    "resident_since",
                )
            },
        ),
        (_("Foreldre"), {"fields": ("mother", "father")}),
        (
            _("Fastlegeordningen"),
            {"fields": ("in_scheme", "speaks_sami", "current_list", "links")},
        ),
    )

    @admin.display(description=_("fødselsnummer"))
    def masked_nin(self, obj: Resident) -> str:
        return mask_nin(obj.nin)

    @admin.display(description=_("fastlegeliste nå"))
    def current_list(self, obj: Resident) -> str:
        if obj.pk is None:
            return "–"
        today = timezone.localdate()
        membership = (
            obj.memberships.filter(in_force_on(today)).select_related("agreement__practice").first()
        )
        if membership is None:
            return str(_("ingen (ufordelt eller utenfor ordningen)"))
        return format_html(
            '<a href="{}">{}</a> ({} {})',
            reverse("admin:registry_agreement_change", args=[membership.agreement_id]),
            membership.agreement,
            _("fra"),
            membership.valid_from.strftime("%d.%m.%Y"),
        )

    @admin.display(description=_("se også"))
    def links(self, obj: Resident) -> str:
        if obj.pk is None:
            return "–"
        return _links(
            _link(
                "admin:registry_listmembership_changelist",
                f"resident={obj.pk}",
                _("Listehistorikk"),
            ),
            _link(
                "admin:registry_switchrequest_changelist",
                f"resident={obj.pk}",
                _("Byttebegjæringer"),
            ),
            _link(
                "admin:registry_waitinglistentry_changelist",
                f"resident={obj.pk}",
                _("Ventelister"),
            ),
            _link(
                "admin:core_auditevent_changelist",
                f"object_type=registry.resident&object_id={obj.pk}",
                _("Revisjonslogg (hvem har sett og endret)"),
            ),
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # «Hansen, Kari»: exact last name and first-name prefix, both on resident_name_idx.
        last, comma, first = search_term.partition(",")
        last, first = " ".join(last.split()), " ".join(first.split())
        if comma and last:
            condition = Q(last_name__in=name_variants(last))
            if first:
                alias = router.db_for_read(Resident)
                first_q = Q()
                for variant in name_variants(first):
                    first_q |= prefix_range_q("first_name", variant, alias)
                condition &= first_q
            return queryset.filter(condition), False
        return super().get_search_results(request, queryset, search_term)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # People are never deleted: status (død, utvandret) records that they left.
        return False

    # -- «Finn person med fødselsnummer»: a POST form, never a URL ---------------
    def get_urls(self) -> list[URLPattern]:
        lookup = path(
            "finn-fodselsnummer/",
            self.admin_site.admin_view(self.find_by_nin_view),
            name="registry_resident_find_nin",
        )
        return [lookup, *super().get_urls()]

    def find_by_nin_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        form = NinLookupForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            url = reverse("admin:registry_resident_change", args=[form.resident_pk])
            return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Finn person med fødselsnummer"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "has_view_permission": True,
        }
        response = TemplateResponse(request, "admin/registry/resident/find_nin.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(ListMembership)
class ListMembershipAdmin(FastlegeModelAdmin):
    """Listeplasser. Reached filtered, from a list («Vis medlemmer») or a person."""

    person_path = "resident"
    list_display = (
        "id",
        "resident",
        "masked_nin",
        "agreement",
        "valid_from",
        "valid_to",
        "begin_reason",
        "end_reason",
    )
    list_filter = (
        PeriodFilter,
        "begin_reason",
        "end_reason",
        "agreement__municipality__county",
        AgreementFilter,
        ResidentFilter,
    )
    list_select_related = ("resident", "agreement__practice")
    raw_id_fields = ("resident",)
    autocomplete_fields = ("agreement",)
    ordering = ("-id",)
    sortable_by = ("id",)
    actions = None

    @admin.display(description=_("fødselsnummer"))
    def masked_nin(self, obj: ListMembership) -> str:
        return mask_nin(obj.resident.nin)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # History is kept in full: a period is ended, never deleted.
        return False


@admin.register(SwitchRequest)
class SwitchRequestAdmin(FastlegeModelAdmin):
    person_path = "resident"
    list_display = (
        "id",
        "resident",
        "from_agreement",
        "to_agreement",
        "reason",
        "status",
        "counts_against_quota",
        "effective_on",
        "requested_at",
    )
    list_filter = (
        "status",
        "reason",
        "counts_against_quota",
        "closed_list_exception",
        ToAgreementFilter,
        ResidentFilter,
    )
    list_select_related = ("resident", "from_agreement__practice", "to_agreement__practice")
    raw_id_fields = ("resident",)
    autocomplete_fields = ("from_agreement", "to_agreement", "requested_by")
    ordering = ("-id",)
    sortable_by = ("id",)
    actions = None


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(FastlegeModelAdmin):
    person_path = "resident"
    list_display = ("id", "resident", "agreement", "joined_at", "status", "ended_at")
    list_filter = ("status", AgreementFilter, ResidentFilter)
    list_select_related = ("resident", "agreement__practice")
    raw_id_fields = ("resident",)
    autocomplete_fields = ("agreement",)
    ordering = ("-id",)
    sortable_by = ("id", "joined_at")
    actions = None


# -- records written by the registry services: read-only here --------------------
#
# These are produced by the operations in fastlege.registry.services together
# with their effects (a move, a letter, a draw). Editing them by hand would
# break that link or the reproducibility of a draw, so the admin only shows
# them. Opening one that concerns a person is recorded as a read.


@admin.register(PopulationEvent)
class PopulationEventAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = (
        "id",
        "resident",
        "kind",
        "occurred_on",
        "from_municipality",
        "to_municipality",
        "recorded_at",
    )
    list_filter = ("kind", ResidentFilter)
    list_select_related = ("resident", "from_municipality", "to_municipality")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(NotificationBatch)
class NotificationBatchAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "created_at", "municipality", "size", "created_by", "notifications_link")
    list_filter = ("municipality__county", MunicipalityFilter)
    list_select_related = ("municipality", "created_by")
    ordering = ("-id",)
    sortable_by = ("id",)

    @admin.display(description=_("meldinger"))
    def notifications_link(self, obj: NotificationBatch) -> str:
        return _links(
            _link(
                "admin:registry_notification_changelist",
                f"print_batch={obj.pk}",
                _("Vis meldingene"),
            )
        )


class PrintedFilter(admin.SimpleListFilter):
    title = _("utskrift")
    parameter_name = "skrevet_ut"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> Iterable[tuple[Any, StrOrPromise]]:
        return [("ja", _("i en utskriftsbunke")), ("nei", _("ikke skrevet ut"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "ja":
            return queryset.filter(print_batch__isnull=False)
        if self.value() == "nei":
            return queryset.filter(print_batch__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = (
        "id",
        "resident",
        "kind",
        "subject",
        "agreement",
        "effective_on",
        "created_at",
        "read_at",
        "print_batch",
    )
    list_filter = ("kind", PrintedFilter, ResidentFilter, AgreementFilter, BatchFilter)
    list_select_related = ("resident", "agreement__practice", "print_batch")
    ordering = ("-id",)
    sortable_by = ("id",)


@admin.register(ListReduction)
class ListReductionAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "agreement",
        "effective_on",
        "ceiling",
        "to_move",
        "drawn",
        "status",
        "decided_by",
        "draws_link",
    )
    list_filter = ("status", AgreementFilter)
    list_select_related = ("agreement__practice", "decided_by")
    # The key behind the published pseudonyms stays secret (docs/draw.md).
    exclude = ("pseudonym_key",)
    ordering = ("-id",)
    sortable_by = ("id", "effective_on")

    @admin.display(description=_("uttrukne"))
    def draws_link(self, obj: ListReduction) -> str:
        return _links(
            _link(
                "admin:registry_reductiondraw_changelist",
                f"reduction={obj.pk}",
                _("Vis uttrukne"),
            )
        )


@admin.register(ReductionDraw)
class ReductionDrawAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = ("id", "reduction", "unit", "resident", "target_agreement", "switch_request")
    list_filter = (ReductionFilter, ResidentFilter)
    list_select_related = ("reduction", "resident", "target_agreement__practice", "switch_request")
    ordering = ("-id",)
    sortable_by = ("id", "unit")


@admin.register(RemovalDecision)
class RemovalDecisionAdmin(ReadOnlyModelAdmin):
    """Vedtak om stryking (§§ 38–39). The reason is confidential: only on the audited page."""

    person_path = "resident"
    list_display = ("id", "resident", "agreement", "doctor", "requested_on", "decided_on")
    list_filter = (AgreementFilter, DoctorFilter, ResidentFilter)
    list_select_related = ("resident", "agreement__practice", "doctor")
    ordering = ("-id",)
    sortable_by = ("id", "decided_on")


@admin.register(AgreementExtension)
class AgreementExtensionAdmin(ReadOnlyModelAdmin):
    """Forlengelse etter 70 år (fastlegeforskriften § 12): decided through
    ``extend_agreement``, which checks the cap; read-only here."""

    list_display = ("id", "agreement", "doctor", "decided_on", "valid_until", "decided_by")
    list_filter = (AgreementFilter, DoctorFilter)
    list_select_related = ("agreement__practice", "doctor", "decided_by")
    ordering = ("-id",)
    sortable_by = ("id", "decided_on", "valid_until")


@admin.register(WindDown)
class WindDownAdmin(ReadOnlyModelAdmin):
    """Deleliste (nedtrapping og overdragelse): registered, changed and cancelled through
    ``registry.services.wind_down``, which checks the age and the list; read-only here."""

    list_display = (
        "id",
        "agreement",
        "outgoing",
        "successor",
        "valid_from",
        "hand_over_on",
        "status",
        "registered_by",
    )
    list_filter = ("status", AgreementFilter)
    list_select_related = ("agreement__practice", "outgoing", "successor", "registered_by")
    ordering = ("-id",)
    sortable_by = ("id", "valid_from", "hand_over_on")
