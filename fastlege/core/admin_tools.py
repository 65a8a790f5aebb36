"""Building blocks for a Django admin that works at national scale.

The registry holds 5.5 million residents and 5.5 million list memberships, so
every admin page here follows a few rules:

* No unbounded ``COUNT(*)``: :class:`CappedCountPaginator` counts over a
  ``LIMIT``-ed subquery and the templates show «over 10 000» beyond that.
  Facet counts and the full result count are switched off.
* Search uses indexes: ``=field`` is an exact match (not Django's
  ``iexact``, which wraps the column in ``UPPER()``), ``^field`` is a
  case-sensitive prefix match, tried as typed and with a capital first letter,
  and written as a range on the column (``field >= 'Han' AND field < 'Hao'``)
  where the collation allows it, which any B-tree index serves.
* Search terms never travel in a URL: the search box POSTs the term to
  ``<list>/sok/``, which keeps it in the session under a short-lived random
  token and redirects to the list with ``?sok=<token>`` (see
  :mod:`fastlege.core.admin_search`). A list whose admin names a ``nin_search_field`` finds a
  person by identity number that way; the others refuse identity numbers. A
  hand-written ``?q=`` with an identity number is refused and removed from the
  URL (the access log masks it, :mod:`fastlege.core.logging`).
* Every write through the admin writes an :class:`~fastlege.core.models.AuditEvent`
  (kind WRITE) in the same transaction, and opening a page with a person's data
  records a READ event.
* Figures in a list are written as Norwegians read them («212 660», «12,5»):
  :meth:`NationalScaleMixin.get_list_display` shows every number field of the model
  through :func:`figure_column` (identifiers are text fields, never numbers; a
  number that is no figure, like a year, is named in ``not_figures``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache, cached_property, reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models import Q, QuerySet
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fastlege.core import audit
from fastlege.core.admin_search import NIN_HTML_PATTERN as NIN_HTML_PATTERN  # re-exported
from fastlege.core.admin_search import NIN_PATTERN as NIN_PATTERN  # used by web, dialogue
from fastlege.core.admin_search import PostSearchMixin, TokenSearchChangeList
from fastlege.core.identity import parse_nin
from fastlege.core.tabular import decimal_comma
from fastlege.registry.periods import in_force_on

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Above this many rows the admin stops counting and says «over 10 000».
COUNT_CAP = 10_000

#: The reason written on audit events created by the admin.
ADMIN_WRITE_REASON = "admin"
ADMIN_READ_REASON = "admin: innsyn"

_BIGINT_MAX = 2**63 - 1


class CappedCountPaginator(Paginator):
    """A paginator that never counts more than ``COUNT_CAP + 1`` rows.

    ``count`` is ``SELECT COUNT(*) FROM (SELECT id ... LIMIT 10001)``, so the
    cost is bounded however big the table is. When the cap is reached the list
    says «over 10 000» and the pages stop at the cap; narrow the search or the
    filters to see further.
    """

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if isinstance(object_list, QuerySet):
            return object_list.order_by().values("pk")[: self.cap + 1].count()
        return len(object_list)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def cap_display(self) -> str:
        return f"{self.cap:,}".replace(",", "\u00a0")


#: Collations that compare text by code point, where a prefix is exactly a range.
_BYTE_ORDER_COLLATIONS = {"c", "posix", "c.utf-8", "c.utf8", "ucs_basic"}
_byte_order_cache: dict[str, bool] = {}


def sorts_by_bytes(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database compares text in code-point order (SQLite; PostgreSQL in C).

    Looked up once per database. In a linguistic collation (e.g. ``nb_NO``) a
    prefix is not a range: «Haakon» sorts as «Håkon», after «Hz».
    """
    connection = connections[alias]
    if connection.vendor == "sqlite":
        return True
    if connection.vendor != "postgresql":
        return False
    key = f"{alias}:{connection.settings_dict.get('NAME')}"
    if key not in _byte_order_cache:
        with connection.cursor() as cursor:
            if getattr(connection, "pg_version", 0) >= 150000:
                cursor.execute(
                    "SELECT datcollate, datlocprovider FROM pg_database "
                    "WHERE datname = current_database()"
                )
            else:
                cursor.execute(
                    "SELECT datcollate, 'c' FROM pg_database WHERE datname = current_database()"
                )
            row = cursor.fetchone()
        collate, provider = (str(row[0]).lower(), str(row[1])) if row else ("", "")
        _byte_order_cache[key] = provider == "b" or (
            provider == "c" and collate in _BYTE_ORDER_COLLATIONS
        )
    return _byte_order_cache[key]


def prefix_range_q(field: str, prefix: str, alias: str = DEFAULT_DB_ALIAS) -> Q:
    """``field`` starts with ``prefix``, written so that a B-tree index serves it.

    In a byte-order collation ``field >= prefix AND field < next(prefix)`` is
    exactly the prefix and an index range scan in every database (PostgreSQL
    serves ``LIKE 'Han%'`` from a plain B-tree index only in the C collation).
    In a linguistic collation the range can miss names, so only ``startswith``
    (``LIKE 'Han%'``) is used; it needs an index with ``varchar_pattern_ops``
    to be fast there.
    """
    startswith = Q(**{f"{field}__startswith": prefix})
    if not sorts_by_bytes(alias):
        return startswith
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper}) & startswith


def name_variants(term: str) -> list[str]:
    """The spellings tried for a name prefix: as typed, and with a capital first letter."""
    variants = [term, term[:1].upper() + term[1:], term.capitalize()]
    return list(dict.fromkeys(v for v in variants if v))


def indexed_search_q(model: type[models.Model], spec: str, term: str) -> Q | None:
    """The condition for one ``search_fields`` entry, or None if it cannot match ``term``.

    ``=path`` exact match, skipped when the term is not a valid value of the
    field (so «Hansen» never becomes ``hpr_number = 'Hansen'`` and an OR with
    an unindexed column); ``^path`` indexed prefix match on a text field,
    skipped for a term of digits only.
    """
    if spec[:1] not in {"=", "^"}:
        raise ImproperlyConfigured(
            f"search_fields entry {spec!r}: only '=field' and '^field' are index-friendly."
        )
    path = spec[1:]
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, NotRelationField) as exc:
        raise ImproperlyConfigured(f"search_fields entry {spec!r}: {exc}") from None
    if spec.startswith("^"):
        if term.isdigit():
            return None  # a number: names and places do not start with digits
        alias = router.db_for_read(model)
        return reduce(or_, (prefix_range_q(path, v, alias) for v in name_variants(term)))
    try:
        value = field.to_python(term)
        field.run_validators(value)
    except ValidationError:
        return None  # cannot be a value of this field: no condition, no scan
    if isinstance(value, int) and not -_BIGINT_MAX <= value <= _BIGINT_MAX:
        return None
    return Q(**{path: value})


class AuditWriteMixin(admin.ModelAdmin):
    """Every save and delete through the admin writes an AuditEvent (kind WRITE).

    The audit row is written inside the same transaction as the change, so a
    change without its audit row can never be committed.
    """

    def _atomic(self, model: type[models.Model]) -> transaction.Atomic:
        return transaction.atomic(using=router.db_for_write(model))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with self._atomic(type(obj)):
            super().save_model(request, obj, form, change)
            audit.record(
                request.user,
                "admin.change" if change else "admin.add",
                obj,
                reason=ADMIN_WRITE_REASON,
                fields=sorted(form.changed_data) if form is not None else [],
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with self._atomic(type(obj)):
            audit.record(request.user, "admin.delete", obj, reason=ADMIN_WRITE_REASON)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with self._atomic(queryset.model):
            for obj in queryset:
                audit.record(request.user, "admin.delete", obj, reason=ADMIN_WRITE_REASON)
            super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseFormSet[Any], change: bool
    ) -> None:
        with self._atomic(self.model):
            for deleted in getattr(formset, "deleted_forms", []):
                if deleted.instance.pk is not None:
                    audit.record(
                        request.user, "admin.delete", deleted.instance, reason=ADMIN_WRITE_REASON
                    )
            super().save_formset(request, form, formset, change)
            for obj in getattr(formset, "new_objects", []):
                audit.record(request.user, "admin.add", obj, reason=ADMIN_WRITE_REASON)
            for obj, fields in getattr(formset, "changed_objects", []):
                audit.record(
                    request.user,
                    "admin.change",
                    obj,
                    reason=ADMIN_WRITE_REASON,
                    fields=sorted(fields),
                )


class SortableByChangeList(TokenSearchChangeList):
    """Honour ``sortable_by`` also for hand-written ``?o=`` URLs, and search by a kept term.

    Django only hides the column headers that are not in ``sortable_by``;
    ``?o=2`` still sorts by that column, which on a big table without an index
    is a full sort. Here such an ordering is ignored.

    ``?sok=<token>`` is a search kept in the session (:func:`keep_search`): the
    term searched is the kept one, and every link of the page (pages, sorting,
    filters) carries the token, never the term.
    """

    def get_ordering_field(self, field_name: Any) -> Any:
        sortable_by = self.sortable_by
        if sortable_by is not None and field_name not in sortable_by:
            return None
        return super().get_ordering_field(field_name)


#: The model fields that hold a figure (a count, a sum, an amount).
FIGURE_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)


@cache  # one column per field: the change list finds it again in ``sortable_by``
def figure_column(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    """A change-list column that shows ``field`` with a no-break space between
    thousands and a decimal comma, sorted by the field itself."""

    def column(obj: Any) -> str:
        value = getattr(obj, field.attname)
        return "–" if value is None else decimal_comma(value, group="\u00a0")

    column.__name__ = field.name  # the column's CSS class stays «field-<name>»
    column.short_description = field.verbose_name  # type: ignore[attr-defined]
    column.admin_order_field = field.name  # type: ignore[attr-defined]
    column.is_figure = True  # type: ignore[attr-defined]
    return column


def _boolean_icon(value: bool | None) -> str:
    """Django's yes/no icon, with a Norwegian text for screen readers («ja», «nei»,
    «ukjent»: Django writes the Python value, «True»)."""
    name, text = {True: ("yes", _("ja")), False: ("no", _("nei")), None: ("unknown", _("ukjent"))}[
        value
    ]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)


def use_norwegian_boolean_icons() -> None:
    """Put :func:`_boolean_icon` in place of Django's (``CoreConfig.ready``). Django's
    admin looks the function up in ``admin_list`` each time it draws a yes/no value,
    in lists and on read-only pages alike; ``web/tests/test_language.py`` fails if a
    Django upgrade draws it elsewhere."""
    from django.contrib.admin.templatetags import admin_list

    admin_list._boolean_icon = _boolean_icon  # type: ignore[attr-defined]


class NationalScaleMixin(PostSearchMixin):
    """Bounded counts, index-friendly search, and no identity numbers in URLs.

    ``search_fields`` take only ``=field`` (exact) and ``^field`` (prefix);
    every field searched must be indexed, or the OR of the conditions becomes
    a full scan.
    """

    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    #: Number fields that are no figures: shown as stored («2025», not «2 025»).
    not_figures: tuple[str, ...] = ("year",)

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        """The columns, with each figure field shown by :func:`figure_column` (the
        linked columns and editable ones stay as they are)."""
        columns = list(super().get_list_display(request))
        keep = set(self.get_list_display_links(request, columns) or columns[:1])
        keep |= set(self.list_editable) | set(self.not_figures)
        fields = {f.name: f for f in self.model._meta.concrete_fields}
        return [
            figure_column(fields[c])
            if isinstance(c, str)
            and c not in keep
            and isinstance(fields.get(c), FIGURE_FIELDS)
            and not isinstance(fields.get(c), models.AutoField | models.BigAutoField)
            and not fields[c].choices  # shown by its label
            else c
            for c in columns
        ]

    def get_sortable_by(self, request: HttpRequest) -> list[Any]:
        """``sortable_by`` as written, plus the figure columns of the fields it names."""
        sortable = list(super().get_sortable_by(request))
        names = {name for name in sortable if isinstance(name, str)}
        return sortable + [
            c
            for c in self.get_list_display(request)
            if getattr(c, "is_figure", False) and c.admin_order_field in names
        ]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SortableByChangeList

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = " ".join(search_term.split())
        search_fields = self.get_search_fields(request)
        if not term or not search_fields:
            return queryset, False
        if self.nin_search_field and NIN_PATTERN.fullmatch(term):
            try:
                number = parse_nin(term).number
            except ValidationError:
                return queryset.none(), False
            return queryset.filter(**{self.nin_search_field: number}), False
        found = [indexed_search_q(self.model, spec, term) for spec in search_fields]
        conditions = [q for q in found if q is not None]
        if not conditions:
            return queryset.none(), False
        return queryset.filter(reduce(or_, conditions)), False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        term = request.GET.get(SEARCH_VAR, "")
        if term and NIN_PATTERN.search(term):
            # The number is already in this request's URL; do not keep it in
            # the page, the browser history or any link built from it.
            params = request.GET.copy()
            del params[SEARCH_VAR]
            messages.error(
                request,
                _(
                    "Fødselsnummer hører aldri hjemme i nettadressen. Skriv det i søkefeltet "
                    "på innbyggerlisten (det sendes skjult), eller bruk «Finn person med "
                    "fødselsnummer»."
                ),
            )
            query = params.urlencode()
            return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
        return super().changelist_view(request, extra_context)


class PersonReadAuditMixin(admin.ModelAdmin):
    """Opening a person's data, one record or a list of them, records a READ AuditEvent.

    ``person_path`` names the attribute that leads to the person whose data
    the object holds (``"resident"``, ``"doctor"``), or ``""`` for the person
    itself. Opening a change page records the event on that person, so «who has
    looked at this person» is one indexed query; ``action`` says which record was
    opened.

    A change list (every page of it, searches and popups included) records one
    event per page view: ``object_type`` the people's model, ``details["ids"]`` the
    ids of the people shown, in the order shown (never an identity number),
    ``details["page"]`` and ``details["search"]`` (whether a search term narrowed
    the list; the term itself is not kept). An empty page records nothing.
    """

    person_path: str | None = None

    def listed_person(self) -> tuple[str, str] | None:
        """The attribute of a row holding the id of the person shown, and the label of
        that person's model; None for a list that shows no people."""
        if self.person_path is None:
            return None
        if self.person_path == "":
            return "pk", self.model._meta.label_lower
        field = self.model._meta.get_field(self.person_path)
        related = field.related_model
        assert related is not None and not isinstance(related, str)
        return field.attname, related._meta.label_lower

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        listed = self.listed_person()
        context = getattr(response, "context_data", None)
        changelist = context.get("cl") if listed is not None and context else None
        if listed is not None and changelist is not None and response.status_code == 200:
            attribute, label = listed
            ids = [getattr(row, attribute) for row in changelist.result_list]
            shown = [str(pk) for pk in dict.fromkeys(ids) if pk is not None]
            if shown:
                audit.record_list_read(
                    request.user,
                    label,
                    shown,
                    ADMIN_READ_REASON,
                    action=f"admin.list {self.model._meta.label_lower}",
                    page=changelist.page_num,
                    search=bool(changelist.query),
                )
        return response

    def person_of(self, obj: models.Model) -> models.Model | None:
        if self.person_path is None:
            return None
        if self.person_path == "":
            return obj
        return getattr(obj, self.person_path, None)

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
            person = self.person_of(obj)
            if person is not None:
                audit.record_read(
                    request.user,
                    person,
                    ADMIN_READ_REASON,
                    action=f"admin.read {obj._meta.label_lower} {obj.pk}",
                )
        return super().render_change_form(request, context, add, change, form_url, obj)


class FastlegeModelAdmin(AuditWriteMixin, PersonReadAuditMixin, NationalScaleMixin):
    """The base of every admin class in fastlege."""

    #: A web address typed without a scheme gets https:// (Django 6's default, chosen
    #: now: without it every URLField warns RemovedInDjango60Warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdminMixin(admin.ModelAdmin):
    """View only, for everybody (superusers included)."""

    actions: Sequence[Callable[..., Any] | str] | None = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, FastlegeModelAdmin):
    pass


def selected_object_filter(
    parameter: str, model: type[models.Model], title_text: StrOrPromise, lookup: str | None = None
) -> type[admin.SimpleListFilter]:
    """A list filter for one chosen object of a big table, set by a link (``?resident=12``).

    It never lists choices from the big table: the sidebar shows only the
    object that is selected, with «Alle» to clear it. ``lookup`` is the ORM
    path filtered on (default ``<parameter>_id``).
    """
    field_lookup = lookup or f"{parameter}_id"

    class SelectedObjectFilter(admin.SimpleListFilter):
        title = title_text
        parameter_name = parameter

        def _selected(self) -> models.Model | None:
            value = self.value()
            if value is None:
                return None
            try:
                pk = model._meta.pk.to_python(value)
            except ValidationError:
                return None
            return model._default_manager.filter(pk=pk).first()

        def lookups(
            self, request: HttpRequest, model_admin: admin.ModelAdmin
        ) -> Iterable[tuple[Any, StrOrPromise]]:
            selected = self._selected()
            return [] if selected is None else [(str(selected.pk), str(selected))]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            if self.value() is None:
                return queryset
            selected = self._selected()
            if selected is None:
                return queryset.none()
            return queryset.filter(**{field_lookup: selected.pk})

    SelectedObjectFilter.__name__ = f"Selected{model.__name__}Filter"
    return SelectedObjectFilter


class PeriodFilter(admin.SimpleListFilter):
    """Half-open periods ``[valid_from, valid_to)``: current today, ended or future."""

    title = _("periode")
    parameter_name = "periode"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> Iterable[tuple[Any, StrOrPromise]]:
        return [
            ("gjeldende", _("gjeldende i dag")),
            ("avsluttet", _("avsluttet")),
            ("fremtidig", _("starter senere")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        match self.value():
            case "gjeldende":
                return queryset.filter(in_force_on(today))
            case "avsluttet":
                return queryset.filter(valid_to__lte=today)
            case "fremtidig":
                return queryset.filter(valid_from__gt=today)
        return queryset
