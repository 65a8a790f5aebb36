"""What the API's public resources look like. Read-only; field names in English,
codes (status, sex, specialty) as in the registry."""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fastlege.reference.models import County, Municipality
from fastlege.registry.models import Agreement, Doctor, Practice


class CountySerializer(serializers.ModelSerializer[County]):
    class Meta:
        model = County
        fields = ["number", "name"]


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    county = CountySerializer(read_only=True)

    class Meta:
        model = Municipality
        fields = ["number", "name", "county"]


class PracticeSerializer(serializers.ModelSerializer[Practice]):
    municipality = serializers.CharField(source="municipality_id")
    postal_code = serializers.CharField(source="postal_code_id", allow_null=True)
    place = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = ["id", "name", "org_number", "address", "postal_code", "place", "municipality"]

    def get_place(self, obj: Practice) -> str | None:
        return obj.postal_code.place if obj.postal_code is not None else None


class DoctorSerializer(serializers.ModelSerializer[Doctor]):
    name = serializers.SerializerMethodField()
    age = serializers.SerializerMethodField()

    class Meta:
        model = Doctor
        fields = ["hpr_number", "name", "sex", "age", "specialty", "speaks_sami"]

    def get_name(self, obj: Doctor) -> str:
        return obj.full_name

    def get_age(self, obj: Doctor) -> int:
        day: datetime.date = self.context["day"]
        born = obj.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonNameSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    municipality = serializers.CharField(source="municipality_id")
    practice = serializers.SerializerMethodField()
    open = serializers.BooleanField(source="is_open")
    shared = serializers.BooleanField(source="is_shared_list")
    salaried = serializers.BooleanField(source="is_salaried")
    members = serializers.IntegerField()
    free_places = serializers.IntegerField(source="free")
    over_ceiling = serializers.IntegerField(source="over")
    takes_new = serializers.BooleanField()
    waiting = serializers.IntegerField(
        source="waiting_shown",
        allow_null=True,
        help_text="Innbyggere på ventelisten; null når tallet er under 5 og listen ligger "
        "utenfor nøkkelens område (skjermet som i statistikken).",
    )
    gp = serializers.SerializerMethodField()
    substitute = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "municipality",
            "practice",
            "ceiling",
            "open",
            "locked_by_hand",
            "shared",
            "salaried",
            "valid_from",
            "valid_to",
            "members",
            "free_places",
            "over_ceiling",
            "takes_new",
            "waiting",
            "gp",
            "substitute",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        }
    )
    def get_practice(self, obj: Agreement) -> dict[str, Any]:
        return {"id": obj.practice_id, "name": obj.practice.name}

    @extend_schema_field(PersonNameSerializer(allow_null=True))
    def get_gp(self, obj: Agreement) -> dict[str, Any] | None:
        name = getattr(obj, "gp_name", None)
        return {"name": name} if name else None

    @extend_schema_field(PersonNameSerializer(allow_null=True))
    def get_substitute(self, obj: Agreement) -> dict[str, Any] | None:
        name = getattr(obj, "substitute_name", None)
        return {"name": name} if name else None
