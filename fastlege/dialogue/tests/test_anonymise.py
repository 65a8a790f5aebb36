"""Registrants' and submitters' personal data are anonymised on the configured date."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from fastlege.dialogue import rules, services
from fastlege.dialogue.models import OutgoingEmail, Registration, Submission
from fastlege.dialogue.tests.factories import at, meeting, ministry, registration

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_default_date_is_the_documented_number_of_days_after_the_meeting():
    m = meeting(None, date=D(2030, 12, 7))
    days = rules.param("registrant_data_retention_days")
    assert m.personal_data_until == D(2030, 12, 7) + datetime.timedelta(days=days)


def test_the_command_anonymises_registrations_on_the_date_and_not_before(capsys):
    m = meeting(None, date=D(2030, 12, 7), personal_data_until=D(2031, 1, 15))
    kept = meeting(None, date=D(2030, 12, 8), personal_data_until=D(2031, 3, 1))
    for n in range(3):
        services.register(None, m.pk, registration(m.pk, n, dietary_needs="glutenfri"),
                          now=at(2030, 11, 1))  # fmt: skip
    services.register(None, kept.pk, registration(kept.pk, 9), now=at(2030, 11, 1))
    assert OutgoingEmail.objects.filter(registration__meeting=m).count() == 3

    call_command("dialogue_anonymise", "--dato", "2031-01-14")
    assert not Registration.objects.filter(anonymised_at__isnull=False).exists()

    call_command("dialogue_anonymise", "--dato", "2031-01-15")
    assert "3 påmeldinger i 1 møter" in capsys.readouterr().out
    rows = list(Registration.objects.filter(meeting=m))
    assert {(r.name, r.email, r.organisation, r.dietary_needs) for r in rows} == {
        ("anonymisert", "anonymisert@invalid", "", "")
    }
    assert {r.role for r in rows} == {"kommune"}  # still counts for statistics
    assert not OutgoingEmail.objects.filter(registration__meeting=m).exists()
    other = Registration.objects.get(meeting=kept)
    assert other.name == "Deltaker 9" and other.anonymised_at is None

    call_command("dialogue_anonymise", "--dato", "2031-01-16")  # idempotent
    assert "0 påmeldinger" in capsys.readouterr().out


def test_submitters_keep_their_name_only_when_they_consented_to_publication():
    hod = ministry()
    c = services.create_consultation(
        hod,
        title="Innspill",
        question="Hva bør gjøres?",
        organiser_name="Helse- og omsorgsdepartementet",
        opens_at=at(2030, 1, 1),
        deadline=at(2030, 3, 1),
        themes=["ALIS"],
        personal_data_until=D(2030, 6, 1),
    )
    for n, consent in ((1, True), (2, False)):
        services.submit(
            None,
            c.pk,
            services.SubmissionData(
                name=f"Innsender {n}",
                email=f"i{n}@example.no",
                organisation="Kommunen",
                submitter_kind="kommune",
                text="Tekst",
                requests_non_public=not consent,
                non_public_reason="" if consent else "Interne forhold",
            ),
            now=at(2030, 2, 1),
        )
    call_command("dialogue_anonymise", "--dato", "2030-06-01")
    rows = {not s.requests_non_public: s for s in Submission.objects.all()}
    assert (rows[True].name, rows[True].email) == ("Innsender 1", "anonymisert@invalid")
    assert (rows[False].name, rows[False].organisation) == ("anonymisert", "")
    assert rows[False].text == "Tekst"


def test_a_bad_date_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        call_command("dialogue_anonymise", "--dato", "15.01.2031")
