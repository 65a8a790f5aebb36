"""Writes: who may register and change measures, refusals change nothing, audit rows."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.measures import services
from fastlege.measures.models import Demand, Measure, MeasureType
from fastlege.measures.tests.factories import MELHUS, TRONDHEIM, measure, mtype

pytestmark = pytest.mark.django_db


def data(**kw: Any) -> services.MeasureData:
    base: dict[str, Any] = {"measure_type_id": mtype("driftstilskudd").pk, "status": "planlagt"}
    base.update(kw)
    return services.MeasureData(**base)


def test_the_catalogue_is_seeded_from_the_sources():
    names = set(MeasureType.objects.values_list("code", flat=True))
    for code in (
        "driftstilskudd",
        "alis-stilling",
        "fritak-deltid-legevakt",
        "kompensasjon-tidkrevende",
        "stengt-sommer",
        "vikarutgifter-fravaer",
        "videokonsultasjon",
        "sms-timebestilling",
        "tolketelefon",
        "talegjenkjenning",
        "etableringstilskudd",
        "rekrutteringstilskudd",
        "fastlonn",
        "lavere-listetak",
    ):
        assert code in names
    assert mtype("driftstilskudd").category == "penger"
    assert mtype("driftstilskudd").unit == "kr_per_ar"
    assert not MeasureType.objects.exclude(status="godkjent").exists()


def test_the_officer_registers_a_measure_for_their_municipality_with_an_audit_row(users):
    m = services.create_measure(
        users["municipality"], TRONDHEIM, data(value=Decimal("100000"), description=" x ")
    )
    assert m.municipality_id == TRONDHEIM and m.unit == "kr_per_ar" and m.description == "x"
    event = AuditEvent.objects.get(action="measures.measure.create")
    assert event.object_id == str(m.pk) and event.actor == users["municipality"]


@pytest.mark.parametrize(
    "persona",
    ["neighbour_municipality", "county_governor", "citizen", "gp", "other_county_governor"],
)
def test_nobody_else_registers_or_changes_trondheims_measures(users, persona):
    with pytest.raises(DomainError) as exc:
        services.create_measure(users[persona], TRONDHEIM, data())
    assert exc.value.code == "not_authorised"
    existing = measure(TRONDHEIM, value=100_000)
    with pytest.raises(DomainError):
        services.update_measure(users[persona], existing.pk, data(value=Decimal(1)))
    existing.refresh_from_db()
    assert existing.value == Decimal(100_000)
    assert Measure.objects.count() == 1


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        (
            {"starts_on": datetime.date(2026, 2, 1), "ends_on": datetime.date(2026, 1, 1)},
            "ends_before_start",
        ),
        ({"value": Decimal(-1)}, "negative_value"),
        ({"status": "vedtatt"}, "decided_needs_date"),
        ({"status": "tull"}, "bad_status"),
        ({"target_group": "tull"}, "bad_choice"),
    ],
)
def test_bad_input_is_refused_in_norwegian_and_changes_nothing(users, kw, code):
    with pytest.raises(DomainError) as exc:
        services.create_measure(users["municipality"], TRONDHEIM, data(**kw))
    assert exc.value.code == code
    assert exc.value.messages[0][0].isupper()
    assert not Measure.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="measures.").exists()


def test_a_value_needs_a_unit(users):
    with pytest.raises(DomainError) as exc:
        services.create_measure(
            users["municipality"],
            TRONDHEIM,
            data(measure_type_id=mtype("oppgaveoverforing").pk, value=Decimal(5)),
        )
    assert exc.value.code == "value_without_unit"


def test_a_proposed_type_is_usable_only_by_its_municipality_until_approved(users):
    proposal = services.propose_type(
        users["neighbour_municipality"],
        MELHUS,
        name="Boligtilskudd for nye leger",
        category="penger",
        unit="kr_engang",
    )
    assert proposal.status == "foreslatt" and proposal.code == "boligtilskudd-for-nye-leger"
    services.create_measure(
        users["neighbour_municipality"], MELHUS, data(measure_type_id=proposal.pk)
    )
    with pytest.raises(DomainError) as exc:
        services.create_measure(users["municipality"], TRONDHEIM, data(measure_type_id=proposal.pk))
    assert exc.value.code == "type_not_approved"


def test_the_county_governor_approves_a_proposal_into_the_catalogue(users):
    proposal = services.propose_type(
        users["municipality"], TRONDHEIM, name="Boligtilskudd", category="penger", unit="kr_engang"
    )
    for persona in ("municipality", "neighbour_municipality", "other_county_governor"):
        with pytest.raises(DomainError) as exc:
            services.decide_type(users[persona], proposal.pk, approve=True)
        assert exc.value.code == "not_authorised"
    services.decide_type(users["county_governor"], proposal.pk, approve=True)
    proposal.refresh_from_db()
    assert proposal.status == "godkjent" and proposal.decided_by == users["county_governor"]
    with pytest.raises(DomainError) as exc:
        services.decide_type(users["county_governor"], proposal.pk, approve=False)
    assert exc.value.code == "type_already_decided"
    services.create_measure(
        users["neighbour_municipality"], MELHUS, data(measure_type_id=proposal.pk)
    )


def test_a_proposal_with_a_name_already_in_the_catalogue_is_refused(users):
    with pytest.raises(DomainError) as exc:
        services.propose_type(
            users["municipality"],
            TRONDHEIM,
            name="  timebestilling   via SMS ",
            category="penger",
            unit="kr_per_ar",
        )
    assert exc.value.code == "type_name_taken"


def test_a_demand_list_links_each_demand_to_a_measure_type_and_gets_answers(users):
    officer = users["municipality"]
    dl = services.create_demand_list(
        officer,
        TRONDHEIM,
        title="Fastlegeopprørets krav",
        submitted_by="Fastlegene i Trondheim",
        demands=[
            ("Kommunalt tilskudd til drift av legesentrene", mtype("driftstilskudd").pk),
            ("  ", None),
            ("Tilskudd til kompetanseheving", None),
        ],
    )
    demands = list(dl.demands.order_by("position"))
    assert [d.position for d in demands] == [1, 2]
    assert demands[0].measure_type is not None
    assert demands[0].measure_type.code == "driftstilskudd" and demands[0].status == "ikke_besvart"
    own = measure(TRONDHEIM, "kompetansetilskudd", value=50_000)
    services.answer_demand(
        officer,
        demands[1].pk,
        status="innfridd",
        answer="Vedtatt 18.12.18.",
        measure_type_id=mtype("kompetansetilskudd").pk,
        measure_id=own.pk,
    )
    d = Demand.objects.get(pk=demands[1].pk)
    assert d.status == "innfridd" and d.measure == own
    melhus = measure(MELHUS, value=1)
    with pytest.raises(DomainError) as exc:
        services.answer_demand(officer, d.pk, status="delvis", measure_id=melhus.pk)
    assert exc.value.code == "measure_other_municipality"
    with pytest.raises(DomainError) as exc:
        services.answer_demand(users["neighbour_municipality"], d.pk, status="avslatt")
    assert exc.value.code == "not_authorised"
    d.refresh_from_db()
    assert d.status == "innfridd"


def test_an_empty_demand_list_is_refused(users):
    with pytest.raises(DomainError) as exc:
        services.create_demand_list(
            users["municipality"], TRONDHEIM, title="Krav", submitted_by="Legene", demands=[]
        )
    assert exc.value.code == "demands_empty"
