"""Open resources beyond the registry: the statistics' indicators as time series per
area, the municipalities' decided measures, and the dialogue's published meetings
and consultations. Each reads through its app's own definitions and selectors, so
a figure here is the figure on the statistics page, suppressed the same way."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from fastlege.api.pagination import KeysetPagination, limit_from, unsign
from fastlege.api.problems import BadCursor, UnknownField
from fastlege.api.views.base import ReadView, day_out_of_range
from fastlege.api.views.public import COUNTY, MUNICIPALITY, _number
from fastlege.dialogue import selectors as dialogue
from fastlege.dialogue.models import Consultation, Meeting, ProgrammeItem
from fastlege.measures.models import Measure
from fastlege.stats import selectors as stats
from fastlege.stats.areas import area_name
from fastlege.stats.definitions import suppression_text
from fastlege.stats.disclosure import Patterns
from fastlege.stats.indicators import BY_CODE, INDICATORS, Indicator
from fastlege.stats.models import AreaKind, AreaMonthCount

#: Measures anyone may read: those the municipality has decided (a public decision),
#: in force or ended. Considered and planned measures stay within the county
#: (docs/measures.md).
PUBLIC_MEASURES = (Measure.Status.DECIDED, Measure.Status.ACTIVE, Measure.Status.ENDED)

FROM = OpenApiParameter(
    "from", datetime.date, description="Første måned (ÅÅÅÅ-MM-DD, den 1.); standard: den første."
)
TO = OpenApiParameter(
    "to", datetime.date, description="Siste måned (ÅÅÅÅ-MM-DD, den 1.); standard: den siste."
)
INDICATOR = OpenApiParameter(
    "indicator",
    str,
    description="Indikatorkoder skilt med komma (se /api/v1/indicators/); standard: alle.",
)


# --- indicators -----------------------------------------------------------------------


class IndicatorSerializer(serializers.Serializer[Indicator]):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    decimals = serializers.IntegerField()
    higher_is_worse = serializers.BooleanField(allow_null=True)
    source = serializers.CharField()
    formula = serializers.CharField(source="formula_text")
    suppression = serializers.SerializerMethodField()

    def get_suppression(self, obj: Indicator) -> str:
        return suppression_text(obj)


class IndicatorPagination(KeysetPagination):
    """Pages of the fixed list of indicators, in its order, keyed by the code."""

    key_field = "code"

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.scope = request.path
        self.limit = limit_from(request)
        codes = [i.code for i in INDICATORS]
        after = request.query_params.get("after")
        start = 0
        if after:
            last = unsign(after, self.scope)
            if last not in codes:
                raise BadCursor({"after": ["Sidemarkøren er ugyldig eller endret."]})
            start = codes.index(last) + 1
        rows = list(INDICATORS[start : start + self.limit + 1])
        self.has_next = len(rows) > self.limit
        self.page = rows[: self.limit]
        return self.page


@extend_schema(tags=["statistikk"])
class IndicatorList(ReadView, generics.ListAPIView[Any]):
    """The indicators, each with its one definition (``fastlege.stats.indicators``): the
    same list, in the same order, as the statistics' definitions page."""

    serializer_class = IndicatorSerializer
    pagination_class = IndicatorPagination

    def get_queryset(self) -> Any:
        return INDICATORS


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "number", "nullable": True},
        "description": "Indikatorkode → verdi; null når tallet mangler eller er skjermet.",
    }
)
class ValuesField(serializers.DictField):
    pass


class SeriesRowSerializer(serializers.Serializer[Any]):
    month = serializers.DateField()
    kind = serializers.CharField()
    area = serializers.CharField()
    name = serializers.CharField()
    values = ValuesField()
    hidden = serializers.ListField(
        child=serializers.CharField(),
        help_text="Indikatorer skjermet denne måneden (vises som «:» i statistikken).",
    )


class MonthPagination(KeysetPagination):
    key_field = "month"


def _month(view: ReadView, name: str) -> datetime.date | None:
    raw = view.param(name)
    if raw is None:
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise UnknownField({name: ["Datoen må skrives ÅÅÅÅ-MM-DD."]}) from None
    why = day_out_of_range(day)
    if why is not None:
        raise UnknownField({name: [why]})
    return day.replace(day=1)


@extend_schema(tags=["statistikk"], parameters=[MUNICIPALITY, COUNTY, FROM, TO, INDICATOR])
class IndicatorSeries(ReadView, generics.ListAPIView[Any]):
    """One area's indicators month by month: a municipality (``municipality``), a county
    (``county``) or the whole country (neither). The figures are the statistics pages'
    (``stats.selectors.display``): rounded as published, and suppressed as the public
    statistics are unless the token's area covers the area; a suppressed figure is
    ``null`` and named in ``hidden``."""

    serializer_class = SeriesRowSerializer
    pagination_class = MonthPagination
    filters = frozenset({"municipality", "county", "from", "to", "indicator"})

    def area(self) -> tuple[str, str]:
        municipality = _number(self, "municipality", 4)
        county = _number(self, "county", 2)
        if municipality and county:
            raise UnknownField({"county": ["Velg kommune eller fylke, ikke begge."]})
        if municipality:
            return AreaKind.MUNICIPALITY.value, municipality
        if county:
            return AreaKind.COUNTY.value, county
        return AreaKind.NATION.value, ""

    def indicators(self) -> list[Indicator]:
        raw = self.param("indicator")
        if raw is None:
            return list(INDICATORS)
        codes = [c.strip() for c in raw.split(",")]
        unknown = [c for c in codes if c not in BY_CODE]
        if unknown:
            raise UnknownField({"indicator": [f"Ukjent indikator: {', '.join(unknown)}."]})
        return [BY_CODE[c] for c in dict.fromkeys(codes)]

    def get_queryset(self) -> QuerySet[AreaMonthCount]:
        kind, code = self.area()
        qs = AreaMonthCount.objects.filter(kind=kind, code=code)
        first, last = _month(self, "from"), _month(self, "to")
        if first is not None:
            qs = qs.filter(month__gte=first)
        if last is not None:
            qs = qs.filter(month__lte=last)
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        indicators = self.indicators()
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        viewer = stats.viewer_for(request.user)
        patterns = Patterns()
        kind, code = self.area()
        name = area_name(kind, code)  # one area per answer: its name read once
        rows = []
        for row in page:
            # The row as the statistics pages hand it to ``display``: with its month and
            # area, so the month's secondary suppression applies, not only the primary.
            counts = {
                "month": row.month,
                "kind": row.kind,
                "code": row.code,
                **{f: getattr(row, f) for f in stats.VALUE_FIELDS},
            }
            public = not viewer.sees(row.kind, row.code)
            shown = {i.code: stats.display(i, counts, public, patterns) for i in indicators}
            rows.append(
                {
                    "month": row.month,
                    "kind": row.kind,
                    "area": row.code,
                    "name": name,
                    "values": {c: None if v == stats.SUPPRESSED else v for c, v in shown.items()},
                    "hidden": [c for c, v in shown.items() if v == stats.SUPPRESSED],
                }
            )
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


# --- measures -------------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    municipality = serializers.CharField(source="municipality_id")
    type = serializers.SerializerMethodField()
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "municipality",
            "type",
            "status",
            "decision_body",
            "decided_on",
            "starts_on",
            "ends_on",
            "value",
            "unit",
            "value_basis",
            "target_group",
            "description",
            "document_reference",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "category": {"type": "string"},
            },
        }
    )
    def get_type(self, obj: Measure) -> dict[str, str]:
        t = obj.measure_type
        return {"code": t.code, "name": t.name, "category": t.category}


STATUS = OpenApiParameter(
    "status", str, enum=[str(s) for s in PUBLIC_MEASURES], description="Tiltakets status."
)


@extend_schema(tags=["tiltak og dialog"], parameters=[MUNICIPALITY, COUNTY, STATUS])
class MeasureList(ReadView, generics.ListAPIView[Any]):
    """The municipalities' decided measures (decided, active or ended): what a
    municipality offers its GPs, with its value and decision."""

    serializer_class = MeasureSerializer
    filters = frozenset({"municipality", "county", "status"})

    def get_queryset(self) -> QuerySet[Measure]:
        qs = Measure.objects.filter(status__in=PUBLIC_MEASURES).select_related("measure_type")
        municipality = _number(self, "municipality", 4)
        county = _number(self, "county", 2)
        status = self.param("status")
        if status is not None and status not in PUBLIC_MEASURES:
            raise UnknownField({"status": ["Ukjent eller ikke offentlig status."]})
        if municipality:
            qs = qs.filter(municipality_id=municipality)
        if county:
            qs = qs.filter(municipality__county_id=county)
        if status:
            qs = qs.filter(status=status)
        return qs


@extend_schema(tags=["tiltak og dialog"])
class MeasureDetail(ReadView, generics.RetrieveAPIView[Any]):
    serializer_class = MeasureSerializer

    def get_queryset(self) -> QuerySet[Measure]:
        return Measure.objects.filter(status__in=PUBLIC_MEASURES).select_related("measure_type")


# --- meetings and consultations -------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer[ProgrammeItem]):
    class Meta:
        model = ProgrammeItem
        fields = ["kind", "start_time", "end_time", "title", "speaker", "description"]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    county = serializers.CharField(source="county_id", allow_null=True)
    series = serializers.CharField(source="series.title", allow_null=True, default=None)
    programme = ProgrammeSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "series",
            "date",
            "doors_open",
            "start_time",
            "end_time",
            "place",
            "address",
            "video_link",
            "organiser_name",
            "county",
            "moderator",
            "audience",
            "registration_open",
            "registration_deadline",
            "programme",
        ]


@extend_schema(tags=["tiltak og dialog"], parameters=[COUNTY])
class MeetingList(ReadView, generics.ListAPIView[Any]):
    """Published meetings from today on, with their programme (the public meeting page;
    never the participants)."""

    serializer_class = MeetingSerializer
    filters = frozenset({"county"})

    def get_queryset(self) -> QuerySet[Meeting]:
        qs = dialogue.public_meetings().prefetch_related("programme")
        county = _number(self, "county", 2)
        return qs.filter(county_id=county) if county else qs


@extend_schema(tags=["tiltak og dialog"])
class MeetingDetail(ReadView, generics.RetrieveAPIView[Any]):
    """A published meeting, past or coming."""

    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.filter(published=True)
            .select_related("series")
            .prefetch_related("programme")
        )


class ConsultationSerializer(serializers.ModelSerializer[Consultation]):
    county = serializers.CharField(source="county_id", allow_null=True)
    phase = serializers.CharField(
        read_only=True,
        help_text="kunngjort, apen, lukket or oppsummering (models_consultations.phase_of)",
    )

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "question",
            "organiser_name",
            "county",
            "opens_at",
            "deadline",
            "phase",
            "submissions_published_at",
        ]


@extend_schema(tags=["tiltak og dialog"], parameters=[COUNTY])
class ConsultationList(ReadView, generics.ListAPIView[Any]):
    """Consultations open now, and those whose submissions are published (the public
    consultation page; never the submitters)."""

    serializer_class = ConsultationSerializer
    filters = frozenset({"county"})

    def get_queryset(self) -> QuerySet[Consultation]:
        qs = dialogue.public_consultations()
        county = _number(self, "county", 2)
        return qs.filter(county_id=county) if county else qs
