"""The public resources: counties, municipalities, practices, GPs and lists."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from fastlege.api import selectors
from fastlege.api.problems import UnknownField, problem
from fastlege.api.serializers import (
    AgreementSerializer,
    CountySerializer,
    DoctorSerializer,
    MunicipalitySerializer,
    PracticeSerializer,
)
from fastlege.api.views.base import ReadView, day_param

ON = OpenApiParameter(
    "on", OpenApiTypes.DATE, description="Dagen det gjelder (ÅÅÅÅ-MM-DD); standard i dag."
)
MUNICIPALITY = OpenApiParameter(
    "municipality", str, description="Kommunenummer (fire siffer).", pattern=r"^\d{4}$"
)
COUNTY = OpenApiParameter(
    "county", str, description="Fylkesnummer (to siffer).", pattern=r"^\d{2}$"
)
PRACTICE = OpenApiParameter("practice", int, description="Legekontorets id.")
GP = OpenApiParameter(
    "gp", str, description="HPR-nummeret til en lege med periode på listen den dagen."
)


def _number(view: ReadView, name: str, digits: int) -> str | None:
    value = view.param(name)
    if value is not None and not (len(value) == digits and value.isdigit()):
        raise UnknownField({name: [f"Må være {digits} siffer."]})
    return value


class DayMixin(ReadView):
    """Resources asked about a day (``on``, default today)."""

    _day: datetime.date | None = None

    @property
    def day(self) -> datetime.date:
        if self._day is None:
            self._day = day_param(self.request)
        return self._day

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "day": self.day}


@extend_schema(tags=["områder"])
class CountyList(ReadView, generics.ListAPIView[Any]):
    serializer_class = CountySerializer

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.counties()


@extend_schema(tags=["områder"])
class CountyDetail(ReadView, generics.RetrieveAPIView[Any]):
    serializer_class = CountySerializer
    lookup_field = "number"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.counties()


@extend_schema(tags=["områder"], parameters=[COUNTY])
class MunicipalityList(ReadView, generics.ListAPIView[Any]):
    serializer_class = MunicipalitySerializer
    filters = frozenset({"county"})

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.municipalities(county=_number(self, "county", 2))


@extend_schema(tags=["områder"])
class MunicipalityDetail(ReadView, generics.RetrieveAPIView[Any]):
    serializer_class = MunicipalitySerializer
    lookup_field = "number"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.municipalities()


@extend_schema(tags=["legekontor og leger"], parameters=[MUNICIPALITY, COUNTY])
class PracticeList(ReadView, generics.ListAPIView[Any]):
    serializer_class = PracticeSerializer
    filters = frozenset({"municipality", "county"})

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.practices(
            municipality=_number(self, "municipality", 4), county=_number(self, "county", 2)
        )


@extend_schema(tags=["legekontor og leger"])
class PracticeDetail(ReadView, generics.RetrieveAPIView[Any]):
    serializer_class = PracticeSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.practices()


@extend_schema(tags=["legekontor og leger"], parameters=[ON, MUNICIPALITY, COUNTY])
class DoctorList(DayMixin, generics.ListAPIView[Any]):
    serializer_class = DoctorSerializer
    filters = frozenset({"on", "municipality", "county"})

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.doctors(
            self.day,
            municipality=_number(self, "municipality", 4),
            county=_number(self, "county", 2),
        )


@extend_schema(tags=["legekontor og leger"], parameters=[ON])
class DoctorDetail(DayMixin, generics.RetrieveAPIView[Any]):
    serializer_class = DoctorSerializer
    filters = frozenset({"on"})
    lookup_field = "hpr_number"
    lookup_url_kwarg = "hpr"

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.doctors(self.day)


@extend_schema(tags=["lister"], parameters=[ON, MUNICIPALITY, COUNTY, PRACTICE, GP])
class AgreementList(DayMixin, generics.ListAPIView[Any]):
    """Lists (fastlegeavtaler) in force on the day, with free places by the registry's one
    definition (ceiling − members − promised moves, never below 0)."""

    serializer_class = AgreementSerializer
    filters = frozenset({"on", "municipality", "county", "practice", "gp"})

    def get_queryset(self) -> QuerySet[Any]:
        practice = self.param("practice")
        if practice is not None and not practice.isdigit():
            raise UnknownField({"practice": ["Må være et heltall."]})
        gp = self.param("gp")
        if gp is not None and not (gp.isdigit() and len(gp) <= 9):
            raise UnknownField({"gp": ["Et HPR-nummer har høyst ni siffer."]})
        return selectors.agreements(
            self.day,
            municipality=_number(self, "municipality", 4),
            county=_number(self, "county", 2),
            practice=int(practice) if practice else None,
            gp=gp,
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        rows = selectors.agreement_rows(page, request.user)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


@extend_schema(tags=["lister"], parameters=[ON])
class AgreementDetail(DayMixin, generics.RetrieveAPIView[Any]):
    serializer_class = AgreementSerializer
    filters = frozenset({"on"})

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.agreements(self.day)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agreement = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        selectors.agreement_rows([agreement], request.user)
        return Response(self.get_serializer(agreement).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([permissions.AllowAny])
def not_found(request: Request) -> Response:
    return problem(
        "not_found",
        "Det finnes ingen slik ressurs i API-et.",
        "There is no such resource in the API.",
        instance=request.path,
    )
