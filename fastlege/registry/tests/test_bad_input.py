"""Bad input to the registry's data model is refused with a Norwegian message
and nothing is saved: at form/model level (full_clean) and, as a last line of
defence, by the database's own constraints."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fastlege.core.errors import DomainError
from fastlege.core.identity import make_synthetic_nin
from fastlege.registry.models import (
    Agreement,
    CeilingChange,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Practice,
    Resident,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def nin(birth: D, start: int = 100) -> str:
    return next(n for i in range(start, start + 50) if (n := make_synthetic_nin(birth, i)))


def practice(**kw) -> Practice:
    values = {"name": "Sentrum legekontor", "org_number": "974760673", "municipality_id": "5001"}
    values.update(kw)
    return Practice.objects.create(**values)


def agreement(p: Practice, **kw) -> Agreement:
    values = {"municipality_id": p.municipality_id, "practice": p, "ceiling": 1200}
    values.update({"valid_from": D(2020, 1, 1), **kw})
    return Agreement.objects.create(**values)


def resident(**kw) -> Resident:
    values = {
        "nin": nin(D(1980, 3, 4)),
        "first_name": "Kari",
        "last_name": "Nordmann",
        "birth_date": D(1980, 3, 4),
        "sex": "K",
        "municipality_id": "5001",
    }
    values.update(kw)
    return Resident.objects.create(**values)


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_invalid_identity_number_is_refused():
    r = Resident(
        nin="15108695077",
        first_name="Ola",
        last_name="Nordmann",
        birth_date=D(1986, 10, 15),
        sex="M",
        municipality_id="5001",
    )
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert "kontrollsiffer" in messages(exc.value)


def test_invalid_identity_number_is_refused_by_the_service_and_nothing_is_saved():
    from fastlege.core.models import AuditEvent
    from fastlege.registry.services import register_arrival
    from fastlege.registry.services.errors import Code

    with pytest.raises(DomainError) as exc:
        register_arrival(
            None,
            nin="15108695077",
            first_name="Ola",
            last_name="Nordmann",
            municipality="5001",
            arrived_on=D(2026, 3, 1),
            today=D(2026, 3, 10),
        )
    assert exc.value.code == Code.INVALID_NIN
    assert "kontrollsiffer" in exc.value.messages[0]
    assert "15108695077" not in exc.value.messages[0]
    assert not Resident.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("hpr", ["0123456", "12ab", "1234567890", "12"])
def test_invalid_hpr_number_is_refused(hpr):
    doctor = Doctor(
        hpr_number=hpr, first_name="Per", last_name="Lege", birth_date=D(1970, 1, 1), sex="M"
    )
    with pytest.raises(ValidationError) as exc:
        doctor.full_clean()
    assert "HPR-nummeret" in messages(exc.value)


def test_invalid_organisation_number_is_refused():
    p = Practice(name="Feil AS", org_number="974760672", municipality_id="5001")
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "Organisasjonsnummeret" in messages(exc.value)


def test_invalid_organisation_number_is_refused_by_the_admin_form_and_nothing_is_saved(
    admin_client,
):
    from django.urls import reverse

    response = admin_client.post(
        reverse("admin:registry_practice_add"),
        {"name": "Feil AS", "org_number": "974760672", "municipality": "5001"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "Organisasjonsnummeret" in response.content.decode()
    assert not Practice.objects.exists()
    valid = {"name": "Riktig AS", "org_number": "974760673", "municipality": "5001"}
    saved = admin_client.post(reverse("admin:registry_practice_add"), valid)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("admin:registry_practice_changelist")
    assert Practice.objects.get().org_number == "974760673"  # the same form does save


@pytest.mark.parametrize("ceiling", [2501, 3000])
def test_ceiling_above_2500_is_refused_by_validation_and_database(ceiling):
    p = practice()
    a = Agreement(municipality_id="5001", practice=p, ceiling=ceiling, valid_from=D(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "Listetaket må være mellom 0 og 2500" in messages(exc.value).replace("\xa0", "")
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()
    assert not Agreement.objects.exists()


def test_ceiling_below_zero_is_refused():
    p = practice()
    a = Agreement(municipality_id="5001", practice=p, ceiling=-1, valid_from=D(2024, 1, 1))
    with pytest.raises(ValidationError):
        a.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()
    assert not Agreement.objects.exists()


def test_ceiling_below_500_needs_municipal_approval():
    p = practice()
    a = Agreement(municipality_id="5001", practice=p, ceiling=400, valid_from=D(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "under 500" in messages(exc.value)
    a.low_ceiling_approved = True
    a.full_clean()


def test_ceiling_change_out_of_range_is_refused():
    a = agreement(practice())
    change = CeilingChange(
        agreement=a,
        old_ceiling=1200,
        new_ceiling=2600,
        requested_on=D(2026, 1, 5),
        effective_on=D(2026, 7, 1),
    )
    with pytest.raises(ValidationError):
        change.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        change.save()
    assert not CeilingChange.objects.exists()


def test_period_that_ends_before_it_starts_is_refused():
    a = agreement(practice())
    r = resident()
    m = ListMembership(
        resident=r,
        agreement=a,
        valid_from=D(2026, 2, 1),
        valid_to=D(2026, 1, 1),
        begin_reason="valgt",
    )
    with pytest.raises(ValidationError) as exc:
        m.full_clean()
    assert "Perioden kan ikke slutte før" in messages(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.save()
    assert not ListMembership.objects.exists()


def test_doctor_period_ending_before_start_is_refused_by_database():
    a = agreement(practice())
    doc = Doctor.objects.create(
        hpr_number="912345678",
        first_name="Per",
        last_name="Lege",
        birth_date=D(1970, 1, 1),
        sex="M",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DoctorPeriod.objects.create(
            agreement=a, doctor=doc, role="LPFL", valid_from=D(2026, 1, 1), valid_to=D(2025, 1, 1)
        )
    assert not DoctorPeriod.objects.exists()


def test_overlapping_memberships_are_refused():
    p = practice()
    a, b = agreement(p), agreement(p)
    r = resident()
    ListMembership.objects.create(
        resident=r,
        agreement=a,
        valid_from=D(2020, 1, 1),
        valid_to=D(2025, 1, 1),
        begin_reason="forste",
    )
    overlapping = ListMembership(
        resident=r, agreement=b, valid_from=D(2024, 6, 1), begin_reason="valgt"
    )
    with pytest.raises(ValidationError) as exc:
        overlapping.full_clean()
    assert "overlapper" in messages(exc.value)
    # Adjacent half-open periods are fine: [2020-01-01, 2025-01-01) then from 2025-01-01.
    ListMembership(
        resident=r, agreement=b, valid_from=D(2025, 1, 1), begin_reason="valgt"
    ).full_clean()


def test_two_open_memberships_are_refused_by_the_database():
    p = practice()
    a, b = agreement(p), agreement(p)
    r = resident()
    ListMembership.objects.create(
        resident=r, agreement=a, valid_from=D(2020, 1, 1), begin_reason="forste"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ListMembership.objects.create(
            resident=r, agreement=b, valid_from=D(2025, 1, 1), begin_reason="valgt"
        )
    assert ListMembership.objects.count() == 1


def test_unknown_municipality_number_is_refused():
    r = Resident(
        nin=nin(D(1990, 1, 1)),
        first_name="Ola",
        last_name="Nordmann",
        birth_date=D(1990, 1, 1),
        sex="M",
        municipality_id="9999",
    )
    with pytest.raises(ValidationError) as exc:
        r.full_clean()
    assert "municipality" in exc.value.message_dict
    assert messages(exc.value) == "Finner ingen kommune med nummer 9999."


def test_two_regular_gps_on_one_list_are_refused_by_the_database():
    a = agreement(practice())
    d1 = Doctor.objects.create(
        hpr_number="912345678", first_name="A", last_name="B", birth_date=D(1970, 1, 1), sex="M"
    )
    d2 = Doctor.objects.create(
        hpr_number="912345679", first_name="C", last_name="D", birth_date=D(1971, 1, 1), sex="K"
    )
    DoctorPeriod.objects.create(agreement=a, doctor=d1, role="LPFL", valid_from=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        DoctorPeriod.objects.create(agreement=a, doctor=d2, role="LPFL", valid_from=D(2021, 1, 1))
    # A substitute alongside the regular GP is allowed.
    DoctorPeriod.objects.create(
        agreement=a,
        doctor=d2,
        role="LPVI",
        substitute_for=d1,
        percentage=50,
        valid_from=D(2021, 1, 1),
    )
