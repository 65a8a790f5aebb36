"""The register's writes through the API, as an authorised system uses them: each
changes the registry through its service and leaves an audit row by the client's
service account; each refusal is a problem with the rule's code in Norwegian and
English and changes nothing; a client writes only in its own area."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.api.services.clients import register_client
from fastlege.core.models import AuditEvent
from fastlege.registry.models import (
    Agreement,
    CeilingChange,
    DoctorPeriod,
    ListMembership,
    ListReduction,
    SwitchRequest,
)
from fastlege.registry.services.errors import ENGLISH, MESSAGES, Code
from fastlege.registry.tests.factories import ResidentFactory, gp_list, member, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


@dataclass
class ApiUser:
    secret: str
    user: Any

    def post(self, path: str, body: Any = None) -> Any:
        return Client().post(
            f"/api/v1/{path}",
            json.dumps({} if body is None else body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.secret}",
        )


def client(role: str = Role.NATIONAL, **scope: Any) -> ApiUser:
    name = f"{role}-{sorted(scope.items())}"
    issued = register_client(user_with(Role.NATIONAL), name=name, role=role, **scope)
    return ApiUser(issued.secret, issued.client.user)


def gp_of(agreement: Agreement) -> Any:
    return DoctorPeriod.objects.get(agreement=agreement, role=DoctorPeriod.Role.REGULAR).doctor


def first_of_month(months_ahead: int) -> datetime.date:
    today = timezone.localdate()
    total = today.year * 12 + today.month - 1 + months_ahead
    return datetime.date(total // 12, total % 12 + 1, 1)


def snapshot() -> tuple[int, ...]:
    """What a refused write must leave as it was."""
    return (
        AuditEvent.objects.filter(kind=AuditEvent.Kind.WRITE).count(),
        CeilingChange.objects.count(),
        SwitchRequest.objects.count(),
        ListReduction.objects.count(),
        Agreement.objects.filter(valid_to__isnull=False).count(),
        Agreement.objects.filter(is_open=False).count(),
    )


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def audited(api: ApiUser, action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action, actor=api.user)


# --- ceiling ---------------------------------------------------------------------------


def test_the_gp_asks_for_a_higher_ceiling_and_the_municipality_approves_it() -> None:
    agreement = gp_list(ceiling=1000, municipality="5001")
    gp = client(Role.GP, doctor_id=gp_of(agreement).pk)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    effective = first_of_month(2)

    asked = gp.post(
        f"agreements/{agreement.pk}/ceiling-changes/",
        {"ceiling": 1200, "effective_on": effective.isoformat()},
    )
    assert asked.status_code == 201, asked.content
    change = CeilingChange.objects.get(pk=asked.json()["id"])
    assert (change.old_ceiling, change.new_ceiling, change.status) == (1000, 1200, "soknad")
    assert change.requested_by == gp.user
    assert audited(gp, "ceiling.requested").object_id == str(change.pk)

    approved = town.post(f"ceiling-changes/{change.pk}/approve/", {})
    assert approved.status_code == 200, approved.content
    change.refresh_from_db()
    assert change.status == CeilingChange.Status.APPROVED and change.decided_by == town.user
    assert audited(town, "ceiling.approved").object_id == str(change.pk)
    agreement.refresh_from_db()
    assert agreement.ceiling == 1000  # in force from its month, by the monthly update


def test_the_municipality_refuses_and_the_gp_withdraws_a_request() -> None:
    agreement = gp_list(ceiling=1000)
    gp = client(Role.GP, doctor_id=gp_of(agreement).pk)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    body = {"ceiling": 1100, "effective_on": first_of_month(2).isoformat()}
    first = gp.post(f"agreements/{agreement.pk}/ceiling-changes/", body).json()["id"]
    answer = town.post(f"ceiling-changes/{first}/refuse/", {"reason": "Ikke behov nå."})
    assert answer.status_code == 200 and answer.json()["status"] == "avslatt"
    assert CeilingChange.objects.get(pk=first).reason == "Ikke behov nå."

    second = gp.post(f"agreements/{agreement.pk}/ceiling-changes/", body).json()["id"]
    answer = gp.post(f"ceiling-changes/{second}/withdraw/")
    assert answer.status_code == 200 and answer.json()["status"] == "trukket"
    assert audited(gp, "ceiling.withdrawn").object_id == str(second)
    listed = Client().get(
        f"/api/v1/agreements/{agreement.pk}/ceiling-changes/",
        HTTP_AUTHORIZATION=f"Bearer {town.secret}",
    )
    assert [c["id"] for c in listed.json()["results"]] == [first, second]


def test_a_ceiling_out_of_range_is_refused_by_the_rule_in_both_languages() -> None:
    agreement = gp_list(ceiling=1000)
    gp = client(Role.GP, doctor_id=gp_of(agreement).pk)
    before = snapshot()
    body = refused(
        gp.post(
            f"agreements/{agreement.pk}/ceiling-changes/",
            {"ceiling": 3000, "effective_on": first_of_month(2).isoformat()},
        ),
        422,
        "ceiling_out_of_range",
    )
    assert body["title"] == "Avvist etter reglene" and body["title_en"] == "Refused by the rules"
    assert "fastlegeforskriften § 10" in body["detail"] and "Listetaket" in body["detail"]
    assert body["detail_en"].startswith("The list ceiling must be between")
    assert "2500" in body["detail_en"] or "2 500" in body["detail_en"]
    assert snapshot() == before


def test_the_municipality_may_not_lower_a_ceiling_on_its_own() -> None:
    agreement = gp_list(ceiling=1000)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    before = snapshot()
    refused(
        town.post(
            f"agreements/{agreement.pk}/ceiling-changes/",
            {"ceiling": 800, "effective_on": first_of_month(8).isoformat()},
        ),
        422,
        "reduction_from_gp_only",
    )
    assert snapshot() == before


def test_deciding_a_request_already_decided_is_a_conflict_and_changes_nothing() -> None:
    agreement = gp_list(ceiling=1000)
    gp = client(Role.GP, doctor_id=gp_of(agreement).pk)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    body = {"ceiling": 1100, "effective_on": first_of_month(2).isoformat()}
    change = gp.post(f"agreements/{agreement.pk}/ceiling-changes/", body).json()["id"]
    assert town.post(f"ceiling-changes/{change}/approve/").status_code == 200
    before = snapshot()
    problem = refused(
        gp.post(f"ceiling-changes/{change}/withdraw/"), 409, "ceiling_change_not_pending"
    )
    assert problem["title_en"] == "Conflicts with the current state"
    refused(
        town.post(f"ceiling-changes/{change}/refuse/", {"reason": "x"}),
        409,
        "ceiling_change_not_pending",
    )
    refused(
        gp.post(f"agreements/{agreement.pk}/ceiling-changes/", body), 409, "ceiling_change_pending"
    )
    assert snapshot() == before
    assert CeilingChange.objects.get(pk=change).status == CeilingChange.Status.APPROVED


# --- scope -----------------------------------------------------------------------------


def test_a_municipalitys_client_cannot_write_to_another_municipalitys_list() -> None:
    theirs = gp_list(municipality="5025", members=3)
    other_gp = client(Role.GP, doctor_id=gp_of(theirs).pk)
    change = other_gp.post(
        f"agreements/{theirs.pk}/ceiling-changes/",
        {"ceiling": 1100, "effective_on": first_of_month(2).isoformat()},
    ).json()["id"]
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    before = snapshot()
    day = first_of_month(8).isoformat()
    for path, body in [
        (f"agreements/{theirs.pk}/status/", {"open": False}),
        (f"agreements/{theirs.pk}/ceiling-changes/", {"ceiling": 1500, "effective_on": day}),
        (f"ceiling-changes/{change}/approve/", {}),
        (
            f"agreements/{theirs.pk}/end/",
            {"end_date": day, "end_reason": "annet", "reason_text": "Sammenslåing."},
        ),
    ]:
        refused(town.post(path, body), 404, "not_found")
    assert snapshot() == before
    assert Agreement.objects.get(pk=theirs.pk).is_open


def test_a_gps_client_can_only_ask_for_its_own_list() -> None:
    mine, other = gp_list(), gp_list()
    gp = client(Role.GP, doctor_id=gp_of(mine).pk)
    body = {"ceiling": 1100, "effective_on": first_of_month(2).isoformat()}
    before = snapshot()
    refused(gp.post(f"agreements/{other.pk}/ceiling-changes/", body), 404, "not_found")
    refused(gp.post(f"agreements/{other.pk}/status/", {"open": False}), 404, "not_found")
    assert snapshot() == before
    assert gp.post(f"agreements/{mine.pk}/ceiling-changes/", body).status_code == 201


def test_a_gp_may_not_decide_a_ceiling_nor_end_its_own_agreement() -> None:
    agreement = gp_list()
    gp = client(Role.GP, doctor_id=gp_of(agreement).pk)
    change = gp.post(
        f"agreements/{agreement.pk}/ceiling-changes/",
        {"ceiling": 1100, "effective_on": first_of_month(2).isoformat()},
    ).json()["id"]
    before = snapshot()
    refused(gp.post(f"ceiling-changes/{change}/approve/"), 403, "not_authorised")
    body = {"end_date": first_of_month(8).isoformat(), "end_reason": "annet", "reason_text": "x"}
    refused(gp.post(f"agreements/{agreement.pk}/end/", body), 403, "not_authorised")
    assert snapshot() == before


def test_a_county_governors_client_may_not_write() -> None:
    agreement = gp_list()
    governor = client(Role.COUNTY_GOVERNOR, county_id="50")
    before = snapshot()
    body = refused(
        governor.post(f"agreements/{agreement.pk}/status/", {"open": False}),
        403,
        "permission_denied",
    )
    assert body["detail_en"] == "This token's role may not change the register."
    assert snapshot() == before


def test_writing_needs_a_token() -> None:
    agreement = gp_list()
    response = Client().post(
        f"/api/v1/agreements/{agreement.pk}/status/",
        json.dumps({"open": False}),
        content_type="application/json",
    )
    refused(response, 401, "not_authenticated")


# --- open / close ----------------------------------------------------------------------


def test_the_municipality_closes_and_opens_a_list() -> None:
    agreement = gp_list()
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    closed = town.post(f"agreements/{agreement.pk}/status/", {"open": False})
    assert closed.status_code == 200, closed.content
    assert closed.json() == {"id": agreement.pk, "open": False, "locked_by_hand": True}
    agreement.refresh_from_db()
    assert (agreement.is_open, agreement.locked_by_hand) == (False, True)
    assert audited(town, "agreement.closed_for_new").object_id == str(agreement.pk)
    assert town.post(f"agreements/{agreement.pk}/status/", {"open": True}).json()["open"]
    assert audited(town, "agreement.opened")


def test_an_unknown_or_wrongly_typed_field_is_refused_and_nothing_written() -> None:
    agreement = gp_list()
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    before = snapshot()
    body = refused(
        town.post(f"agreements/{agreement.pk}/status/", {"open": False, "reason": "x"}),
        400,
        "unknown_field",
    )
    assert body["errors"][0]["field"] == "reason"
    refused(town.post(f"agreements/{agreement.pk}/status/", {"open": "kanskje"}), 400, "invalid")
    end = {"end_date": first_of_month(8).isoformat(), "end_reason": "annet", "reason_text": "x"}
    huge = refused(
        town.post(f"agreements/{agreement.pk}/end/", {**end, "targets": [10**19]}), 400, "invalid"
    )
    assert huge["errors"][0]["field"] == "targets[0]"
    refused(town.post("agreements/999999999/status/", {"open": False}), 404, "not_found")
    assert snapshot() == before


# --- residents -------------------------------------------------------------------------


def test_the_municipality_places_unassigned_residents_on_a_list() -> None:
    agreement = gp_list(ceiling=10, members=2)
    anne = ResidentFactory.create(municipality_id="5001")
    bo = ResidentFactory.create(municipality_id="5001")
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    answer = town.post(
        f"agreements/{agreement.pk}/placements/", {"persons": [{"nin": anne.nin}, {"nin": bo.nin}]}
    )
    assert answer.status_code == 201, answer.content
    assert anne.nin not in answer.content.decode()
    moves = SwitchRequest.objects.filter(to_agreement=agreement).order_by("pk")
    assert [(m.resident_id, m.reason, m.status) for m in moves] == [
        (anne.pk, "tildeling", "venter"),
        (bo.pk, "tildeling", "venter"),
    ]
    assert [m["id"] for m in answer.json()["moves"]] == [m.pk for m in moves]
    assert moves[0].effective_on == first_of_month(1)
    assert AuditEvent.objects.filter(action="resident.placed", actor=town.user).count() == 2


def test_a_placement_is_all_or_none_and_names_the_person_refused() -> None:
    agreement = gp_list(ceiling=10)
    free = ResidentFactory.create(municipality_id="5001")
    already = member(gp_list())
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    before = snapshot()
    body = refused(
        town.post(
            f"agreements/{agreement.pk}/placements/",
            {"persons": [{"nin": free.nin}, {"nin": already.nin}]},
        ),
        422,
        "already_on_a_list",
    )
    assert body["errors"] == [
        {"field": "persons[1]", "code": "already_on_a_list", "detail": body["detail"]}
    ]
    assert body["detail_en"] == ENGLISH[Code.ALREADY_ON_A_LIST]
    assert already.nin not in json.dumps(body)
    assert snapshot() == before


def test_a_person_outside_the_area_is_answered_as_unknown() -> None:
    agreement = gp_list()
    away = ResidentFactory.create(municipality_id="5025")
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    before = snapshot()
    body = refused(
        town.post(f"agreements/{agreement.pk}/placements/", {"persons": [{"nin": away.nin}]}),
        404,
        "not_found",
    )
    assert body["errors"][0]["field"] == "persons[0]"
    assert snapshot() == before


def test_a_national_client_moves_persons_between_lists_as_helfo_does() -> None:
    source, target = gp_list(members=0), gp_list(ceiling=10)
    person = member(source)
    helfo = client(Role.NATIONAL)
    answer = helfo.post(f"agreements/{target.pk}/moves/", {"persons": [{"nin": person.nin}]})
    assert answer.status_code == 201, answer.content
    move = SwitchRequest.objects.get(resident=person)
    assert (move.from_agreement_id, move.to_agreement_id) == (source.pk, target.pk)
    assert answer.json()["moves"][0]["from_agreement"] == source.pk
    assert audited(helfo, "switch.requested").object_id == str(move.pk)


def test_a_municipality_may_not_switch_a_persons_gp_for_them() -> None:
    source, target = gp_list(), gp_list(ceiling=10)
    person = member(source)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    before = snapshot()
    refused(
        town.post(f"agreements/{target.pk}/moves/", {"persons": [{"nin": person.nin}]}),
        403,
        "not_authorised",
    )
    assert snapshot() == before


def test_a_move_to_a_full_list_is_refused() -> None:
    source, full = gp_list(), gp_list(ceiling=2, members=2)
    person = member(source)
    helfo = client()
    before = snapshot()
    refused(
        helfo.post(f"agreements/{full.pk}/moves/", {"persons": [{"nin": person.nin}]}),
        422,
        "list_full",
    )
    assert snapshot() == before


# --- reduction -------------------------------------------------------------------------


def test_the_municipality_prepares_and_cancels_a_list_reduction() -> None:
    source, target = gp_list(ceiling=10, members=14), gp_list(ceiling=100)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    effective = first_of_month(2)
    answer = town.post(
        f"agreements/{source.pk}/reductions/",
        {
            "effective_on": effective.isoformat(),
            "plan": [{"agreement": target.pk, "count": 3}],
            "seed": 7,
        },
    )
    assert answer.status_code == 201, answer.content
    reduction = ListReduction.objects.get(pk=answer.json()["id"])
    assert (reduction.to_move, reduction.seed, reduction.decided_by) == (3, 7, town.user)
    moves = SwitchRequest.objects.filter(reason="reduksjon", to_agreement=target)
    assert moves.count() == reduction.drawn >= 3
    assert audited(town, "reduction.prepared").object_id == str(reduction.pk)

    before = snapshot()
    again = {"effective_on": effective.isoformat(), "plan": [{"agreement": target.pk, "count": 1}]}
    refused(
        town.post(f"agreements/{source.pk}/reductions/", again), 409, "reduction_already_prepared"
    )
    assert snapshot() == before

    cancelled = town.post(f"reductions/{reduction.pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "avbrutt"
    assert not moves.filter(status="venter").exists()
    refused(town.post(f"reductions/{reduction.pk}/cancel/"), 409, "reduction_not_prepared")


def test_a_reduction_of_more_than_the_excess_is_refused() -> None:
    source, target = gp_list(ceiling=10, members=12), gp_list(ceiling=100)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    before = snapshot()
    body = refused(
        town.post(
            f"agreements/{source.pk}/reductions/",
            {
                "effective_on": first_of_month(2).isoformat(),
                "plan": [{"agreement": target.pk, "count": 5}],
            },
        ),
        422,
        "reduction_exceeds_excess",
    )
    assert body["detail_en"] == "At most 2 persons may be moved to reach the list ceiling, not 5."
    assert snapshot() == before


# --- end an agreement ------------------------------------------------------------------


def test_the_municipality_ends_an_agreement_and_its_list_moves() -> None:
    closing, target = gp_list(members=3), gp_list(ceiling=100)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    end = first_of_month(2)
    answer = town.post(
        f"agreements/{closing.pk}/end/",
        {
            "end_date": end.isoformat(),
            "end_reason": "sammenslatt",
            "reason_text": "Listene slås sammen.",
            "targets": [target.pk],
            "shorter_notice_agreed": True,
        },
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["moved"] == [{"agreement": target.pk, "residents": 3}]
    closing.refresh_from_db()
    assert (closing.valid_to, closing.end_reason) == (end, "sammenslatt")
    members = set(
        ListMembership.objects.filter(agreement=closing).values_list("resident", flat=True)
    )
    moved = set(
        SwitchRequest.objects.filter(to_agreement=target, reason="avtale_avsluttet").values_list(
            "resident", flat=True
        )
    )
    assert moved == members and len(moved) == 3
    assert audited(town, "agreement.closed").object_id == str(closing.pk)


def test_ending_with_too_short_notice_or_without_a_reason_is_refused() -> None:
    closing, target = gp_list(members=3), gp_list(ceiling=100)
    town = client(Role.MUNICIPALITY, municipality_id="5001")
    body = {
        "end_date": first_of_month(2).isoformat(),
        "end_reason": "oppsagt",
        "reason_text": "Kommunen sier opp avtalen.",
        "targets": [target.pk],
    }
    before = snapshot()
    refused(town.post(f"agreements/{closing.pk}/end/", body), 422, "termination_notice_too_short")
    blank = {**body, "reason_text": " ", "shorter_notice_agreed": True}
    refused(town.post(f"agreements/{closing.pk}/end/", blank), 422, "termination_reason_required")
    small = gp_list(ceiling=2, members=2)
    tight = {**body, "targets": [small.pk], "shorter_notice_agreed": True}
    refused(town.post(f"agreements/{closing.pk}/end/", tight), 422, "insufficient_capacity")
    assert snapshot() == before
    assert Agreement.objects.get(pk=closing.pk).valid_to is None


# --- the texts -------------------------------------------------------------------------


def test_every_refusal_of_the_registry_has_an_english_text_with_the_same_parameters() -> None:
    import re

    name = re.compile(r"%\((\w+)\)s")
    for code in Code:
        assert code in ENGLISH, code
        assert set(name.findall(str(MESSAGES[code]))) == set(name.findall(ENGLISH[code])), code
