"""The register's look-ups (``fastlege.api.persons``): identity numbers in the body of
a POST, never in a URL; a token is required."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fastlege.api import persons
from fastlege.api.pagination import KeysetPagination
from fastlege.api.problems import problem
from fastlege.api.views.base import ReadView, day_out_of_range, day_param
from fastlege.core.identity import parse_nin
from fastlege.registry.models import Agreement, ListMembership
from fastlege.registry.periods import in_force_on
from fastlege.registry.services.access import require_gp_or_municipality


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know (a misspelt field never goes unnoticed)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [ErrorDetail("Ukjent felt.", code="unknown_field")] for name in unknown}
                )
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{11}$",
        "description": "Fødselsnummer eller D-nummer, 11 siffer med gyldige kontrollsiffer.",
    }
)
class NinField(serializers.CharField):
    """A fødselsnummer or D-number, checked (never echoed back in an error)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=20, trim_whitespace=True, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        try:
            return parse_nin(value).number
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code=exc.code) from None


class DayField(serializers.DateField):
    def to_internal_value(self, value: Any) -> datetime.date:
        day = super().to_internal_value(value)
        why = day_out_of_range(day)
        if why is not None:
            raise serializers.ValidationError(why, code="out_of_range")
        return day


class PersonList(serializers.ListSerializer[Any]):
    """Up to 1 000 persons: each checked by its fields' own ``to_internal_value``
    (the number's check digits, the day's range) without DRF's per-item machinery,
    which cost more than the look-up itself for a large call. An item that is not a
    plain, valid ``{"nin", "on"}`` goes through the full serializer, so every error
    is exactly the serializer's."""

    def run_child_validation(self, data: Any) -> Any:
        if isinstance(data, dict) and set(data) <= _PERSON_KEYS and "nin" in data:
            fields = self.child.fields
            try:
                value = {"nin": fields["nin"].to_internal_value(data["nin"])}
                if "on" in data:
                    value["on"] = fields["on"].to_internal_value(data["on"])
                return value
            except serializers.ValidationError:
                pass
        return self.child.run_validation(data)


class PersonAsked(StrictSerializer):
    nin = NinField(help_text="Fødselsnummer eller D-nummer (11 siffer).")
    on = DayField(required=False, help_text="Dagen for denne personen; ellers «on» for kallet.")

    class Meta:
        list_serializer_class = PersonList


_PERSON_KEYS = frozenset(PersonAsked().fields)


class GpLookupRequest(StrictSerializer):
    persons = PersonAsked(many=True, allow_empty=False, max_length=persons.MAX_PERSONS_PER_CALL)
    on = DayField(required=False, help_text="Dagen det gjelder; standard i dag.")


class NinRequest(StrictSerializer):
    nin = NinField()


class ConfirmRequest(StrictSerializer):
    nin = NinField()
    hpr = serializers.RegexField(r"^\d{1,9}$", help_text="Legens HPR-nummer.")
    on = DayField(required=False)


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


PLACE = inline_serializer(
    "ListPlace",
    {
        "agreement": serializers.IntegerField(),
        "municipality": serializers.CharField(),
        "practice": serializers.DictField(),
        "member_from": serializers.DateField(),
        "member_to": serializers.DateField(allow_null=True),
        "gp": serializers.DictField(allow_null=True),
        "substitute": serializers.DictField(allow_null=True),
    },
    allow_null=True,
)


class LookupView(APIView):
    permission_classes = [permissions.IsAuthenticated]


@extend_schema(
    tags=["oppslag (personer)"],
    request=GpLookupRequest,
    responses=inline_serializer(
        "GpLookupAnswer",
        {
            "results": inline_serializer(
                "GpLookupResult",
                {
                    "index": serializers.IntegerField(),
                    "on": serializers.DateField(),
                    "found": serializers.BooleanField(),
                    "list": PLACE,
                },
                many=True,
            )
        },
    ),
)
class GpLookup(LookupView):
    """A person's GP on a day, for up to 1 000 persons in one call, each with their own
    day if wanted (FLR: GetPatientGPDetails, GetPatientsGPDetails,
    GetPatientsGPDetailsAtTime). Every person asked is answered, in the order asked;
    ``found`` is false for an unknown person and for one outside the token's area."""

    def post(self, request: Request) -> Response:
        data = _valid(GpLookupRequest, request)
        default = data.get("on") or timezone.localdate()
        asked = [persons.Asked(p["nin"], p.get("on") or default) for p in data["persons"]]
        return Response({"results": persons.gp_on(request.user, asked)})


@extend_schema(tags=["oppslag (personer)"], request=NinRequest, responses=dict)
class GpHistory(LookupView):
    """Every list place the person has had, with the doctors who served each list
    meanwhile (FLR: GetPatientGPHistory)."""

    def post(self, request: Request) -> Response:
        data = _valid(NinRequest, request)
        return Response(persons.history(request.user, data["nin"]))


@extend_schema(
    tags=["oppslag (personer)"],
    request=ConfirmRequest,
    responses=inline_serializer("ConfirmAnswer", {"confirmed": serializers.BooleanField()}),
)
class ConfirmGp(LookupView):
    """Was this doctor the person's regular GP on the day (FLR: ConfirmGP)?"""

    def post(self, request: Request) -> Response:
        data = _valid(ConfirmRequest, request)
        day = data.get("on") or timezone.localdate()
        confirmed = persons.confirm_gp(request.user, data["nin"], data["hpr"], day)
        if confirmed is None:
            return problem(
                "not_found",
                "Personen finnes ikke, eller ligger utenfor nøkkelens område.",
                "No such person, or the person is outside this token's area.",
                instance=request.path,
            )
        return Response({"confirmed": confirmed})


class MemberSerializer(serializers.ModelSerializer[ListMembership]):
    nin = serializers.CharField(source="resident.nin")
    name = serializers.SerializerMethodField()
    birth_date = serializers.DateField(source="resident.birth_date")
    member_from = serializers.DateField(source="valid_from")
    member_to = serializers.DateField(source="valid_to", allow_null=True)

    class Meta:
        model = ListMembership
        fields = ["id", "nin", "name", "birth_date", "member_from", "member_to"]

    def get_name(self, obj: ListMembership) -> str:
        return f"{obj.resident.first_name} {obj.resident.last_name}"


MEMBER_PERSON_FIELDS = ("nin", "first_name", "last_name", "birth_date")


def member_row(m: ListMembership) -> dict[str, Any]:
    """One member as ``MemberSerializer`` describes it, built directly (a page of 100
    through the serializer's field machinery cost more than reading it)."""
    person = m.resident
    return {
        "id": m.pk,
        "nin": person.nin,
        "name": f"{person.first_name} {person.last_name}",
        "birth_date": person.birth_date,
        "member_from": m.valid_from,
        "member_to": m.valid_to,
    }


@extend_schema(
    tags=["lister"],
    parameters=[OpenApiParameter("on", datetime.date, description="Dagen; standard i dag.")],
)
class AgreementMembers(ReadView, generics.ListAPIView[Any]):
    """The persons on a list on a day (FLR: GetGPPatientList, which has only "now"),
    paged. For the list's municipality, its GP and national clients; audited."""

    serializer_class = MemberSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = KeysetPagination
    filters = frozenset({"on"})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        day = day_param(request)
        agreement = get_object_or_404(Agreement.objects.only("municipality_id"), pk=kwargs["pk"])
        require_gp_or_municipality(request.user, agreement, day)
        qs = (
            ListMembership.objects.filter(in_force_on(day), agreement=agreement)
            .select_related("resident")
            .only("valid_from", "valid_to", *(f"resident__{f}" for f in MEMBER_PERSON_FIELDS))
        )
        page = self.paginate_queryset(qs)
        assert page is not None
        persons.audit_members(request.user, agreement, [m.resident for m in page], day)
        return self.get_paginated_response([member_row(m) for m in page])
