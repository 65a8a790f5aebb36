"""The register's writes for authorised systems (FLR's write operations, flr.md § 2):
ceiling changes, opening and closing a list, placing and moving residents, list
reductions, and ending an agreement with its list moved. Each view checks the body,
finds the list in the client's area (``fastlege.api.writes``) and calls the
registry's service as the client's service account; the service decides, writes
and audits in one transaction. Identity numbers only in bodies."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fastlege.api import writes
from fastlege.api.views.base import ReadView
from fastlege.api.views.lookups import DayField, NinField, StrictSerializer
from fastlege.core.converters import MAX_ID
from fastlege.registry.models import Agreement, CeilingChange, ListReduction, SwitchRequest
from fastlege.registry.services import (
    approve_ceiling_change,
    cancel_list_reduction,
    close_agreement,
    prepare_list_reduction,
    refuse_ceiling_change,
    request_ceiling_change,
    request_switch,
    set_list_open,
    withdraw_ceiling_change,
)
from fastlege.registry.services.municipality import place_unassigned

TAGS = ["endringer i registeret"]
#: Persons in one placement or move call (all or none).
MAX_PERSONS_PER_WRITE = 100


# --- bodies ---------------------------------------------------------------------------


class CeilingRequest(StrictSerializer):
    ceiling = serializers.IntegerField(
        min_value=0, max_value=10_000, help_text="Nytt listetak (fastlegeforskriften § 10)."
    )
    effective_on = DayField(help_text="Gjelder fra den 1. i en måned fram i tid.")


class CeilingApproval(StrictSerializer):
    shorter_notice_approved = serializers.BooleanField(
        default=False, help_text="Kommunen godtar kortere varsel enn seks måneder (§ 11)."
    )
    low_ceiling_approved = serializers.BooleanField(
        default=False, help_text="Kommunen godkjenner et listetak under 500 (§ 10)."
    )


class CeilingRefusal(StrictSerializer):
    reason = serializers.CharField(max_length=2000, help_text="Kommunens begrunnelse.")


class Empty(StrictSerializer):
    pass


class ListStatus(StrictSerializer):
    open = serializers.BooleanField(help_text="true: åpen for nye innbyggere; false: lukket.")


class PersonRef(StrictSerializer):
    nin = NinField(help_text="Fødselsnummer eller D-nummer (11 siffer).")


class Persons(StrictSerializer):
    persons = PersonRef(many=True, allow_empty=False, max_length=MAX_PERSONS_PER_WRITE)


class PlanItem(StrictSerializer):
    agreement = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Listen de flyttes til."
    )
    count = serializers.IntegerField(min_value=1, max_value=10_000)


class ReductionRequest(StrictSerializer):
    effective_on = DayField(help_text="Gjelder fra den 1. i en måned fram i tid.")
    plan = PlanItem(many=True, allow_empty=False, max_length=50)
    seed = serializers.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, help_text="Frø for loddtrekningen."
    )


class EndRequest(StrictSerializer):
    end_date = DayField(help_text="Siste dag er dagen før; den 1. i en måned fram i tid.")
    end_reason = serializers.ChoiceField(choices=Agreement.EndReason.choices)
    reason_text = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text="Kommunens skriftlige begrunnelse (§ 12); påkrevd etter regelen.",
    )
    targets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=200,
        help_text="Listene innbyggerne flyttes til; ellers alle åpne lister i kommunen.",
    )
    allow_over_ceiling = serializers.BooleanField(default=False)
    notice_given_on = DayField(required=False)
    shorter_notice_agreed = serializers.BooleanField(default=False)


def _body(serializer_class: type[serializers.Serializer[Any]], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- answers --------------------------------------------------------------------------


class CeilingChangeSerializer(serializers.ModelSerializer[CeilingChange]):
    agreement = serializers.IntegerField(source="agreement_id")

    class Meta:
        model = CeilingChange
        fields = [
            "id",
            "agreement",
            "old_ceiling",
            "new_ceiling",
            "requested_on",
            "effective_on",
            "status",
            "shorter_notice_approved",
            "low_ceiling_approved",
            "reason",
        ]


class ReductionSerializer(serializers.ModelSerializer[ListReduction]):
    agreement = serializers.IntegerField(source="agreement_id")

    class Meta:
        model = ListReduction
        fields = ["id", "agreement", "effective_on", "ceiling", "to_move", "drawn", "status"]


class MoveSerializer(serializers.ModelSerializer[SwitchRequest]):
    """A pending move of one person; the person by their place in the body, never by number."""

    from_agreement = serializers.IntegerField(source="from_agreement_id", allow_null=True)
    to_agreement = serializers.IntegerField(source="to_agreement_id")

    class Meta:
        model = SwitchRequest
        fields = ["id", "from_agreement", "to_agreement", "reason", "effective_on", "status"]


MOVES = inline_serializer("Moves", {"moves": MoveSerializer(many=True)})
LIST_STATUS = inline_serializer(
    "ListStatusAnswer",
    {
        "id": serializers.IntegerField(),
        "open": serializers.BooleanField(),
        "locked_by_hand": serializers.BooleanField(),
    },
)
CLOSURE = inline_serializer(
    "Closure",
    {
        "agreement": serializers.IntegerField(),
        "end_date": serializers.DateField(),
        "end_reason": serializers.CharField(),
        "moved": inline_serializer(
            "MovedTo",
            {"agreement": serializers.IntegerField(), "residents": serializers.IntegerField()},
            many=True,
        ),
        "total": serializers.IntegerField(),
    },
)


class WriteView(APIView):
    permission_classes = [permissions.IsAuthenticated]


# --- ceiling (UpdateGPContractMaxPatients) -------------------------------------------


@extend_schema(tags=TAGS)
class CeilingChanges(ReadView, generics.ListCreateAPIView[Any]):
    """A list's ceiling changes (GET, paged), and a new request (POST): the GP asks for a
    new ceiling from the 1st of a month; the municipality may register a raise
    (fastlegeforskriften §§ 10–11). FLR: UpdateGPContractMaxPatients."""

    serializer_class = CeilingChangeSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        agreement = writes.agreement_for_writer(self.request.user, self.kwargs["pk"])
        return CeilingChange.objects.filter(agreement=agreement)

    @extend_schema(request=CeilingRequest, responses={201: CeilingChangeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        agreement = writes.agreement_for_writer(request.user, pk)
        data = _body(CeilingRequest, request)
        change = writes.run(
            lambda: request_ceiling_change(
                request.user, agreement, data["ceiling"], effective_on=data["effective_on"]
            )
        )
        return Response(CeilingChangeSerializer(change).data, status=status.HTTP_201_CREATED)


def _change_for_writer(actor: Any, pk: int) -> CeilingChange:
    change = get_object_or_404(CeilingChange, pk=pk)
    writes.agreement_for_writer(actor, change.agreement_id)
    return change


@extend_schema(tags=TAGS, request=CeilingApproval, responses=CeilingChangeSerializer)
class CeilingApprove(WriteView):
    """The municipality approves a requested ceiling; in force at once when its date has
    come, otherwise by the monthly update."""

    def post(self, request: Request, pk: int) -> Response:
        change = _change_for_writer(request.user, pk)
        data = _body(CeilingApproval, request)
        change = writes.run(lambda: approve_ceiling_change(request.user, change, **data))
        return Response(CeilingChangeSerializer(change).data)


@extend_schema(tags=TAGS, request=CeilingRefusal, responses=CeilingChangeSerializer)
class CeilingRefuse(WriteView):
    """The municipality refuses a requested ceiling, with its reason."""

    def post(self, request: Request, pk: int) -> Response:
        change = _change_for_writer(request.user, pk)
        data = _body(CeilingRefusal, request)
        change = writes.run(
            lambda: refuse_ceiling_change(request.user, change, reason=data["reason"])
        )
        return Response(CeilingChangeSerializer(change).data)


@extend_schema(tags=TAGS, request=Empty, responses=CeilingChangeSerializer)
class CeilingWithdraw(WriteView):
    """The GP (or the municipality) withdraws a request not yet decided."""

    def post(self, request: Request, pk: int) -> Response:
        change = _change_for_writer(request.user, pk)
        _body(Empty, request)
        change = writes.run(lambda: withdraw_ceiling_change(request.user, change))
        return Response(CeilingChangeSerializer(change).data)


# --- open / close (UpdateGPContractStatus) -------------------------------------------


@extend_schema(tags=TAGS, request=ListStatus, responses=LIST_STATUS)
class ListOpen(WriteView):
    """Open or close a list for new residents by hand (the GP or the municipality).
    FLR: UpdateGPContractStatus."""

    def post(self, request: Request, pk: int) -> Response:
        agreement = writes.agreement_for_writer(request.user, pk)
        data = _body(ListStatus, request)
        done = writes.run(lambda: set_list_open(request.user, agreement, is_open=data["open"]))
        return Response(
            {"id": done.pk, "open": done.is_open, "locked_by_hand": done.locked_by_hand}
        )


# --- residents (CreatePatientToGPContractAssociation, MovePatients) -------------------


@extend_schema(tags=TAGS, request=Persons, responses={201: MOVES})
class Placements(WriteView):
    """Place unassigned residents of the municipality on the list from the 1st of next
    month (the municipality; all or none). FLR: CreatePatientToGPContractAssociation."""

    def post(self, request: Request, pk: int) -> Response:
        agreement = writes.agreement_for_writer(request.user, pk)
        nins = [p["nin"] for p in _body(Persons, request)["persons"]]
        moves = writes.for_each_person(
            request.user, nins, lambda person: place_unassigned(request.user, person, agreement)
        )
        data = {"moves": MoveSerializer(moves, many=True).data}
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, request=Persons, responses={201: MOVES})
class Moves(WriteView):
    """Move persons to the list from the 1st of next month, as Helfo does on a person's
    behalf (national clients; the switch rules apply; all or none). FLR: MovePatients."""

    def post(self, request: Request, pk: int) -> Response:
        agreement = writes.agreement_for_writer(request.user, pk)
        nins = [p["nin"] for p in _body(Persons, request)["persons"]]
        moves = writes.for_each_person(
            request.user, nins, lambda person: request_switch(request.user, person, agreement)
        )
        data = {"moves": MoveSerializer(moves, many=True).data}
        return Response(data, status=status.HTTP_201_CREATED)


# --- reduction (§ 11) ----------------------------------------------------------------


@extend_schema(tags=TAGS, request=ReductionRequest, responses={201: ReductionSerializer})
class Reductions(WriteView):
    """Prepare a list reduction: who moves to which list is drawn by lot, households kept
    together, each told (fastlegeforskriften § 11)."""

    def post(self, request: Request, pk: int) -> Response:
        agreement = writes.agreement_for_writer(request.user, pk)
        data = _body(ReductionRequest, request)
        reduction = writes.run(
            lambda: prepare_list_reduction(
                request.user,
                agreement,
                effective_on=data["effective_on"],
                plan=[(item["agreement"], item["count"]) for item in data["plan"]],
                seed=data.get("seed"),
            )
        )
        return Response(ReductionSerializer(reduction).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, request=Empty, responses=ReductionSerializer)
class ReductionCancel(WriteView):
    """Call off a prepared reduction before it takes effect; its moves are cancelled."""

    def post(self, request: Request, pk: int) -> Response:
        reduction = get_object_or_404(ListReduction, pk=pk)
        writes.agreement_for_writer(request.user, reduction.agreement_id)
        _body(Empty, request)
        reduction = writes.run(lambda: cancel_list_reduction(request.user, reduction))
        return Response(ReductionSerializer(reduction).data)


# --- end an agreement (CancelGPContractAndMovePatients) -------------------------------


@extend_schema(tags=TAGS, request=EndRequest, responses=CLOSURE)
class EndAgreement(WriteView):
    """End the agreement on the 1st of a month and move its residents to other lists,
    households together (the municipality, on § 12's terms). FLR:
    CancelGPContractAndMovePatients."""

    def post(self, request: Request, pk: int) -> Response:
        agreement = writes.agreement_for_writer(request.user, pk)
        data = _body(EndRequest, request)
        closure = writes.run(lambda: close_agreement(request.user, agreement, **data))
        return Response(
            {
                "agreement": closure.agreement.pk,
                "end_date": closure.agreement.valid_to,
                "end_reason": closure.agreement.end_reason,
                "moved": [
                    {"agreement": target, "residents": n}
                    for target, n in sorted(closure.moved.items())
                ],
                "total": closure.total,
            }
        )
