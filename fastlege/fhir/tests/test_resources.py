"""Each resource at /fhir/ read by id: valid FHIR R4, the no-basis profile and the
Norwegian identifier systems, and a list's figures by the registry's one definition."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches

from fastlege.fhir.tests.validation import extension, fhir_get
from fastlege.reference.models import Municipality, PostalCode
from fastlege.registry import selectors as registry
from fastlege.registry.models import Agreement, DoctorPeriod, Practice, SwitchRequest
from fastlege.registry.tests.factories import DoctorFactory, ResidentFactory, add_members, gp_list

pytestmark = pytest.mark.django_db

# The systems as HL7 Norway's no-basis NamingSystems give them (written out here, not
# imported, so a changed constant fails).
HPR = "urn:oid:2.16.578.1.12.4.1.4.4"
ENH = "urn:oid:2.16.578.1.12.4.1.4.101"
KOMMUNENUMMER = "https://register.geonorge.no/sosi-kodelister/kommunenummer"
NO_BASIS = "http://hl7.no/fhir/StructureDefinition/"
FASTLEGE = "https://fastlege.example.no/fhir/StructureDefinition/"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    caches["security"].clear()


def test_a_gp_is_a_no_basis_practitioner_with_the_hpr_number() -> None:
    agreement = gp_list()
    doctor = DoctorPeriod.objects.get(agreement=agreement).doctor
    doctor.first_name, doctor.last_name, doctor.sex = "Kari Anne", "Lien", "K"
    doctor.save()

    body = fhir_get(f"/fhir/Practitioner/{doctor.hpr_number}")

    assert body["id"] == doctor.hpr_number
    assert body["meta"]["profile"] == [NO_BASIS + "no-basis-Practitioner"]
    assert body["identifier"] == [{"system": HPR, "value": doctor.hpr_number}]
    assert body["name"][0]["family"] == "Lien"
    assert body["name"][0]["given"] == ["Kari", "Anne"]
    assert body["gender"] == "female"
    codes = {(c["system"], c["code"]) for q in body["qualification"] for c in q["code"]["coding"]}
    assert ("urn:oid:2.16.578.1.12.4.1.1.9060", "LE") in codes  # Lege
    assert ("urn:oid:2.16.578.1.12.4.1.1.7426", "1") in codes  # specialist, Allmennmedisin


def test_a_practice_is_a_no_basis_organization_with_the_organisation_number() -> None:
    agreement = gp_list(municipality="5001")
    practice = Practice.objects.get(pk=agreement.practice_id)
    practice.address = "Olav Tryggvasons gate 1"
    practice.postal_code, _ = PostalCode.objects.update_or_create(
        code="7013", defaults={"place": "TRONDHEIM", "municipality_id": "5001"}
    )
    practice.save()

    body = fhir_get(f"/fhir/Organization/{practice.org_number}")

    assert body["meta"]["profile"] == [NO_BASIS + "no-basis-Organization"]
    assert body["identifier"] == [{"system": ENH, "value": practice.org_number}]
    assert body["name"] == practice.name
    address = body["address"][0]
    assert address["line"] == ["Olav Tryggvasons gate 1"]
    assert (address["postalCode"], address["city"]) == ("7013", "TRONDHEIM")
    municipality = Municipality.objects.get(number="5001")
    assert address["district"] == municipality.name
    [code] = address["_district"]["extension"]
    assert code["url"] == NO_BASIS + "no-basis-municipalitycode"
    assert code["valueCoding"]["system"] == KOMMUNENUMMER
    assert code["valueCoding"]["code"] == "5001"


def test_a_practice_is_also_a_location_managed_by_its_organization() -> None:
    practice = Practice.objects.get(pk=gp_list(municipality="0301").practice_id)

    body = fhir_get(f"/fhir/Location/{practice.org_number}")

    assert body["meta"]["profile"] == [NO_BASIS + "no-basis-Location"]
    assert body["managingOrganization"]["reference"] == f"Organization/{practice.org_number}"
    assert body["address"]["_district"]["extension"][0]["valueCoding"]["code"] == "0301"


def test_a_list_is_the_practitioner_role_of_its_gp_with_the_registrys_free_places() -> None:
    agreement = gp_list(ceiling=10, members=4, municipality="5001")
    # Two residents have asked to move to the list: their places are taken already.
    for person in ResidentFactory.create_batch(2, municipality_id="5001"):
        SwitchRequest.objects.create(
            resident=person,
            to_agreement=agreement,
            effective_on=datetime.date(2027, 1, 1),
            reason=SwitchRequest.Reason.ORDINARY,
        )
    gp = DoctorPeriod.objects.get(agreement=agreement)

    body = fhir_get(f"/fhir/PractitionerRole/{agreement.pk}")

    assert body["meta"]["profile"] == [NO_BASIS + "no-basis-PractitionerRole"]
    assert body["practitioner"]["reference"] == f"Practitioner/{gp.doctor.hpr_number}"
    practice = agreement.practice
    assert body["organization"]["reference"] == f"Organization/{practice.org_number}"
    assert body["location"][0]["reference"] == f"Location/{practice.org_number}"
    assert body["period"] == {"start": gp.valid_from.isoformat()}
    assert extension(body, FASTLEGE + "gp-list-ceiling") == [10]
    assert extension(body, FASTLEGE + "gp-list-length") == [4]
    assert extension(body, FASTLEGE + "gp-list-free-places") == [10 - 4 - 2]
    assert extension(body, FASTLEGE + "gp-list-free-places") == [registry.free_places(agreement)]
    assert extension(body, FASTLEGE + "gp-list-open") == [True]


def test_a_full_list_has_no_free_places_and_a_closed_list_says_so() -> None:
    full = gp_list(ceiling=3, members=3, is_open=False)
    add_members(full, 1)  # above its ceiling: still 0 free places, never negative

    body = fhir_get(f"/fhir/PractitionerRole/{full.pk}")

    assert extension(body, FASTLEGE + "gp-list-free-places") == [0]
    assert extension(body, FASTLEGE + "gp-list-length") == [4]
    assert extension(body, FASTLEGE + "gp-list-open") == [False]
    # Closed by hand (at the GP's or the municipality's wish) with the status still open:
    # closed for new residents all the same.
    by_hand = gp_list(ceiling=10)
    Agreement.objects.filter(pk=by_hand.pk).update(is_open=True, locked_by_hand=True)
    body = fhir_get(f"/fhir/PractitionerRole/{by_hand.pk}")
    assert extension(body, FASTLEGE + "gp-list-open") == [False]


def test_a_list_without_a_gp_has_no_practitioner_and_shows_its_substitute() -> None:
    agreement = gp_list(with_gp=False)
    substitute = DoctorFactory.create()
    DoctorPeriod.objects.create(
        agreement=agreement,
        doctor=substitute,
        role=DoctorPeriod.Role.SUBSTITUTE,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2099, 1, 1),
    )

    body = fhir_get(f"/fhir/PractitionerRole/{agreement.pk}")

    assert "practitioner" not in body
    [ref] = extension(body, FASTLEGE + "gp-list-substitute")
    assert ref["reference"] == f"Practitioner/{substitute.hpr_number}"
    # The substitute is a Practitioner one can read.
    assert fhir_get(f"/fhir/Practitioner/{substitute.hpr_number}")["id"] == substitute.hpr_number


def test_a_gps_planned_end_is_the_last_day_of_the_role() -> None:
    agreement = gp_list()
    gp = DoctorPeriod.objects.get(agreement=agreement)
    gp.valid_to = datetime.date(2099, 3, 1)  # half-open: 1 March is the first day without
    gp.save()

    body = fhir_get(f"/fhir/PractitionerRole/{agreement.pk}")

    assert body["period"]["end"] == "2099-02-28"


def test_an_unknown_id_is_an_operation_outcome_404() -> None:
    agreement = gp_list()
    ended = gp_list()
    ended.valid_to = datetime.date(2022, 1, 1)
    ended.save()
    doctor_without_list = DoctorFactory.create()

    for url in (
        "/fhir/Practitioner/123456789",
        f"/fhir/Practitioner/{doctor_without_list.hpr_number}",
        "/fhir/Practitioner/not-a-number",
        "/fhir/Organization/999999999",
        "/fhir/Location/12",
        f"/fhir/PractitionerRole/{agreement.pk + 1000}",
        f"/fhir/PractitionerRole/{ended.pk}",
        "/fhir/Patient/1",
        "/fhir/Practitioner/1/_history/2",
        "/fhir/PractitionerRole/" + "9" * 25,
    ):
        body = fhir_get(url, 404)
        assert body["resourceType"] == "OperationOutcome", url
        assert body["issue"][0]["code"] == "not-found"
