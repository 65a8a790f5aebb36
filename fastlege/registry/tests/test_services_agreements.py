"""How a GP's agreement ends and who may hold a list (fastlegeforskriften § 12,
kompetanseforskriften § 3): the age limit and extensions, the municipality's
termination on § 12's terms, the competence requirement."""

from __future__ import annotations

import datetime

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import (
    Agreement,
    AgreementExtension,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Notification,
)
from fastlege.registry.services import (
    Code,
    assign_gp,
    close_agreement,
    end_agreements_at_age_limit,
    extend_agreement,
    gp_leaves,
    take_over_list,
)
from fastlege.registry.services.access import regular_gp_on
from fastlege.registry.tests.factories import (
    DoctorFactory,
    DoctorPeriodFactory,
    gp_list,
    user_with,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)
BORN = D(1956, 6, 15)  # 70 on 15.06.2026 (agreement ends 01.07.2026), 80 on 15.06.2036


@pytest.fixture
def trondheim():
    return user_with(Role.MUNICIPALITY, municipality_id="5001")


def list_with_gp(birth_date: datetime.date = BORN, *, members: int = 3, salaried: bool = False):
    agreement = gp_list(members=members, with_gp=False)
    if salaried:
        Agreement.objects.filter(pk=agreement.pk).update(is_salaried=True)
        agreement.refresh_from_db()
    doctor = DoctorFactory.create(birth_date=birth_date)
    DoctorPeriodFactory.create(agreement=agreement, doctor=doctor)
    return agreement, doctor


def refused(code: Code, call) -> DomainError:
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == code
    return exc.value


class TestExtendAgreement:
    def test_the_municipality_extends_its_gps_agreement(self, trondheim):
        agreement, doctor = list_with_gp()
        ext = extend_agreement(
            trondheim, agreement, valid_until=D(2028, 1, 1), reason="Mangel på leger", today=TODAY
        )
        assert (ext.doctor_id, ext.valid_until, ext.decided_on) == (doctor.pk, D(2028, 1, 1), TODAY)
        assert ext.decided_by == trondheim
        assert AuditEvent.objects.get(action="agreement.extended").details["valid_until"] == (
            "2028-01-01"
        )

    def test_to_80_exactly_but_not_a_month_longer_nor_to_81(self, trondheim):
        agreement, _doctor = list_with_gp()
        # 80 on 15.06.2036; like at 70, the agreement may run to the 1st after it.
        extend_agreement(trondheim, agreement, valid_until=D(2036, 7, 1), reason="x", today=TODAY)
        error = refused(
            Code.EXTENSION_BEYOND_CAP,
            lambda: extend_agreement(
                trondheim, agreement, valid_until=D(2036, 8, 1), reason="x", today=TODAY
            ),
        )
        assert "80 år" in error.messages[0] and "01.07.2036" in error.messages[0]
        refused(
            Code.EXTENSION_BEYOND_CAP,
            lambda: extend_agreement(
                trondheim, agreement, valid_until=D(2037, 7, 1), reason="x", today=TODAY
            ),
        )
        assert AgreementExtension.objects.count() == 1

    def test_before_2026_the_cap_was_75(self, trondheim):
        agreement, _doctor = list_with_gp()
        before = D(2025, 11, 10)
        extend_agreement(trondheim, agreement, valid_until=D(2031, 7, 1), reason="x", today=before)
        error = refused(
            Code.EXTENSION_BEYOND_CAP,
            lambda: extend_agreement(
                trondheim, agreement, valid_until=D(2031, 8, 1), reason="x", today=before
            ),
        )
        assert "75 år" in error.messages[0]

    def test_not_for_a_doctor_under_70_nor_in_the_past_nor_without_a_reason(self, trondheim):
        young, _doctor = list_with_gp(D(1975, 5, 5))
        refused(
            Code.EXTENSION_NOT_NEEDED,
            lambda: extend_agreement(
                trondheim, young, valid_until=D(2027, 1, 1), reason="x", today=TODAY
            ),
        )
        agreement, _doctor = list_with_gp()
        # Until the day it would end anyway: still under 70 for all of it.
        refused(
            Code.EXTENSION_NOT_NEEDED,
            lambda: extend_agreement(
                trondheim, agreement, valid_until=D(2026, 7, 1), reason="x", today=TODAY
            ),
        )
        refused(
            Code.DATE_IN_PAST,
            lambda: extend_agreement(
                trondheim, agreement, valid_until=D(2026, 3, 1), reason="x", today=TODAY
            ),
        )
        refused(
            Code.NOT_FIRST_OF_MONTH,
            lambda: extend_agreement(
                trondheim, agreement, valid_until=D(2027, 1, 15), reason="x", today=TODAY
            ),
        )
        refused(
            Code.REASON_REQUIRED,
            lambda: extend_agreement(
                trondheim, agreement, valid_until=D(2027, 1, 1), reason=" ", today=TODAY
            ),
        )
        assert not AgreementExtension.objects.exists()

    def test_only_the_lists_own_municipality_decides(self):
        agreement, _doctor = list_with_gp()
        for outsider in (
            user_with(Role.MUNICIPALITY, municipality_id="0301"),
            user_with(Role.NATIONAL),
        ):
            refused(
                Code.NOT_AUTHORISED,
                lambda u=outsider: extend_agreement(
                    u, agreement, valid_until=D(2027, 1, 1), reason="x", today=TODAY
                ),
            )


class TestEndAtAgeLimit:
    def test_at_70_the_period_ends_and_the_list_keeps_its_residents(self):
        agreement, doctor = list_with_gp(members=3)
        assert end_agreements_at_age_limit(None, D(2026, 6, 1)) == []
        ended = end_agreements_at_age_limit(None, D(2026, 7, 1))
        assert [p.doctor_id for p in ended] == [doctor.pk]
        period = DoctorPeriod.objects.get(agreement=agreement)
        assert period.valid_to == D(2026, 7, 1) and period.end_reason == "alder"
        before = regular_gp_on(agreement.pk, D(2026, 6, 30))
        assert before is not None and before.doctor_id == doctor.pk
        assert regular_gp_on(agreement.pk, D(2026, 7, 1)) is None  # without a regular GP
        assert (
            ListMembership.objects.filter(agreement=agreement, valid_to__isnull=True).count() == 3
        )
        notes = Notification.objects.filter(kind=Notification.Kind.GP_LEAVING)
        assert notes.count() == 3 and doctor.full_name in notes[0].body
        assert AuditEvent.objects.filter(action="agreement.ended_at_age_limit").count() == 1
        assert end_agreements_at_age_limit(None, D(2026, 7, 1)) == []  # idempotent

    def test_an_extended_agreement_ends_when_the_extension_runs_out(self, trondheim):
        agreement, _doctor = list_with_gp(members=1)
        extend_agreement(trondheim, agreement, valid_until=D(2027, 1, 1), reason="x", today=TODAY)
        assert end_agreements_at_age_limit(None, D(2026, 7, 1)) == []
        assert end_agreements_at_age_limit(None, D(2026, 12, 1)) == []
        assert len(end_agreements_at_age_limit(None, D(2027, 1, 1))) == 1
        assert DoctorPeriod.objects.get(agreement=agreement).valid_to == D(2027, 1, 1)

    def test_a_gp_leaving_later_is_ended_at_70_and_one_leaving_earlier_is_untouched(self):
        later, _ = list_with_gp(members=0)
        earlier, _ = list_with_gp(members=0)
        DoctorPeriod.objects.filter(agreement=later).update(valid_to=D(2026, 10, 1))
        DoctorPeriod.objects.filter(agreement=earlier).update(
            valid_to=D(2026, 5, 1), end_reason="sluttet"
        )
        young, _ = list_with_gp(D(1975, 5, 5), members=0)
        ended = end_agreements_at_age_limit(None, D(2026, 7, 1))
        assert [p.agreement_id for p in ended] == [later.pk]
        assert DoctorPeriod.objects.get(agreement=later).valid_to == D(2026, 7, 1)
        assert DoctorPeriod.objects.get(agreement=earlier).end_reason == "sluttet"
        assert DoctorPeriod.objects.get(agreement=young).valid_to is None

    def test_for_the_system_and_national_staff_only(self, trondheim):
        refused(Code.NOT_AUTHORISED, lambda: end_agreements_at_age_limit(trondheim, D(2026, 7, 1)))
        refused(Code.NOT_FIRST_OF_MONTH, lambda: end_agreements_at_age_limit(None, D(2026, 7, 2)))


class TestWhoMayGetAList:
    def test_a_doctor_at_70_needs_an_extension_for_that_list(self, trondheim):
        vacant = gp_list(with_gp=False)
        old = DoctorFactory.create(birth_date=D(1955, 1, 1))  # agreement would end 01.02.2025
        error = refused(
            Code.AGE_LIMIT_REACHED,
            lambda: assign_gp(trondheim, vacant, old, valid_from=D(2026, 4, 1)),
        )
        assert "80 år" in error.messages[0]
        refused(
            Code.AGE_LIMIT_REACHED,
            lambda: take_over_list(trondheim, gp_list(), old, valid_from=D(2026, 4, 1)),
        )
        extend_agreement(
            trondheim, vacant, doctor=old, valid_until=D(2027, 1, 1), reason="x", today=TODAY
        )
        assert assign_gp(trondheim, vacant, old, valid_from=D(2026, 4, 1)).doctor_id == old.pk

    def test_a_doctor_the_day_before_turning_70_may_still_be_given_a_list(self, trondheim):
        doctor = DoctorFactory.create(birth_date=D(1956, 4, 2))  # 70 on 02.04.2026
        vacant = gp_list(with_gp=False)
        assign_gp(trondheim, vacant, doctor, valid_from=D(2026, 4, 1))
        # The list's regular GP from 1 April, read back from the registry.
        assert list(
            DoctorPeriod.objects.filter(
                agreement=vacant, role=DoctorPeriod.Role.REGULAR
            ).values_list("doctor_id", "valid_from", "valid_to")
        ) == [(doctor.pk, D(2026, 4, 1), None)]

    @pytest.mark.parametrize(
        ("fields", "ok"),
        [
            ({"specialty": Doctor.Specialty.SPECIALIST}, True),
            ({"specialty": Doctor.Specialty.NONE}, False),
            (
                {
                    "specialty": Doctor.Specialty.IN_TRAINING,
                    "alis_from": D(2024, 1, 1),
                    "alis_to": D(2029, 1, 1),
                },
                True,
            ),
            (
                {
                    "specialty": Doctor.Specialty.IN_TRAINING,
                    "alis_from": D(2020, 1, 1),
                    "alis_to": D(2026, 4, 1),
                },
                False,
            ),
            ({"specialty": Doctor.Specialty.NONE, "competence_exemption": "Vedtak 12/2026"}, True),
            (
                {
                    "specialty": Doctor.Specialty.NONE,
                    "competence_exemption": "Vedtak 12/2026",
                    "competence_exemption_until": D(2026, 4, 1),
                },
                False,
            ),
        ],
    )
    def test_competence_requirement_when_given_a_list(self, trondheim, fields, ok):
        doctor = DoctorFactory.create(**fields)
        vacant = gp_list(with_gp=False)
        if ok:
            assign_gp(trondheim, vacant, doctor, valid_from=D(2026, 4, 1))
            return
        error = refused(
            Code.COMPETENCE_REQUIREMENT_NOT_MET,
            lambda: assign_gp(trondheim, vacant, doctor, valid_from=D(2026, 4, 1)),
        )
        assert "kompetanseforskriften § 3" in error.messages[0]
        assert not DoctorPeriod.objects.filter(agreement=vacant).exists()
        refused(
            Code.COMPETENCE_REQUIREMENT_NOT_MET,
            lambda: take_over_list(trondheim, gp_list(), doctor, valid_from=D(2026, 4, 1)),
        )


class TestMunicipalityEndsTheAgreement:
    def leaves(self, actor, agreement, **kw):
        return gp_leaves(actor, agreement, today=TODAY, **kw)

    def test_a_termination_needs_a_written_reason_and_six_months_notice(self, trondheim):
        agreement, _doctor = list_with_gp(D(1975, 5, 5), members=2)
        refused(
            Code.TERMINATION_REASON_REQUIRED,
            lambda: self.leaves(
                trondheim, agreement, end_date=D(2026, 10, 1), end_reason="oppsagt_kommune"
            ),
        )
        error = refused(
            Code.TERMINATION_NOTICE_TOO_SHORT,
            lambda: self.leaves(
                trondheim,
                agreement,
                end_date=D(2026, 9, 1),  # notice today (10.03): six months is 10.09
                end_reason="oppsagt_kommune",
                reason_text="Omorganisering av legetjenesten",
            ),
        )
        assert "6 måneders" in error.messages[0]
        assert DoctorPeriod.objects.get(agreement=agreement).valid_to is None
        period = self.leaves(
            trondheim,
            agreement,
            end_date=D(2026, 10, 1),
            end_reason="oppsagt_kommune",
            reason_text="Omorganisering av legetjenesten",
        )
        assert period.end_reason == "oppsagt_kommune" and period.notice_given_on == TODAY
        assert period.end_reason_text == "Omorganisering av legetjenesten"
        assert Notification.objects.filter(kind=Notification.Kind.GP_LEAVING).count() == 2

    def test_a_shorter_notice_by_agreement_with_the_gp(self, trondheim):
        agreement, _doctor = list_with_gp(D(1975, 5, 5))
        self.leaves(
            trondheim,
            agreement,
            end_date=D(2026, 5, 1),
            end_reason="oppsagt_kommune",
            reason_text="Legen og kommunen er enige",
            shorter_notice_agreed=True,
        )

    def test_a_serious_breach_ends_it_at_once_with_a_written_reason(self, trondheim):
        agreement, _doctor = list_with_gp(D(1975, 5, 5))
        refused(
            Code.TERMINATION_REASON_REQUIRED,
            lambda: self.leaves(
                trondheim, agreement, end_date=D(2026, 3, 11), end_reason="mislighold"
            ),
        )
        period = self.leaves(
            trondheim,
            agreement,
            end_date=D(2026, 3, 11),
            end_reason="mislighold",
            reason_text="Vesentlig mislighold: se vedtak",
        )
        assert period.valid_to == D(2026, 3, 11)

    def test_loss_of_authorisation_ends_it_at_once(self, trondheim):
        agreement, _doctor = list_with_gp(D(1975, 5, 5))
        period = self.leaves(
            trondheim, agreement, end_date=D(2026, 3, 11), end_reason="autorisasjon"
        )
        assert period.end_reason == "autorisasjon"

    def test_other_needs_a_reason_and_notice_and_takeover_is_not_a_departure(self, trondheim):
        agreement, _doctor = list_with_gp(D(1975, 5, 5))
        refused(
            Code.TERMINATION_REASON_REQUIRED,
            lambda: self.leaves(trondheim, agreement, end_date=D(2026, 10, 1), end_reason="annet"),
        )
        refused(
            Code.TERMINATION_NOTICE_TOO_SHORT,
            lambda: self.leaves(
                trondheim, agreement, end_date=D(2026, 5, 1), end_reason="annet", reason_text="x"
            ),
        )
        for reason in ("overtatt", "periode_slutt", "tull"):
            refused(
                Code.INVALID_END_REASON,
                lambda r=reason: self.leaves(
                    trondheim, agreement, end_date=D(2026, 10, 1), end_reason=r, reason_text="x"
                ),
            )

    def test_the_age_limit_is_not_a_reason_before_70(self, trondheim):
        agreement, _doctor = list_with_gp(D(1975, 5, 5))
        error = refused(
            Code.AGE_LIMIT_NOT_REACHED,
            lambda: self.leaves(trondheim, agreement, end_date=D(2026, 10, 1), end_reason="alder"),
        )
        assert "01.06.2045" in error.messages[0]
        old, _doctor = list_with_gp()
        self.leaves(trondheim, old, end_date=D(2026, 7, 1), end_reason="alder")

    def test_salaried_gps_follow_employment_law_but_a_reason_is_still_needed(self, trondheim):
        agreement, _doctor = list_with_gp(D(1975, 5, 5), salaried=True)
        refused(
            Code.TERMINATION_REASON_REQUIRED,
            lambda: self.leaves(
                trondheim, agreement, end_date=D(2026, 5, 1), end_reason="oppsagt_kommune"
            ),
        )
        self.leaves(
            trondheim,
            agreement,
            end_date=D(2026, 5, 1),
            end_reason="oppsagt_kommune",
            reason_text="x",
        )


class TestCloseAgreementTerms:
    def test_closing_needs_a_reason_and_the_notice_while_a_gp_holds_the_list(self, trondheim):
        closing, _doctor = list_with_gp(D(1975, 5, 5), members=0)
        target = gp_list(ceiling=10)

        def close(**kw):
            return close_agreement(
                trondheim, closing, end_reason="oppsagt", targets=[target], today=TODAY, **kw
            )

        refused(Code.TERMINATION_REASON_REQUIRED, lambda: close(end_date=D(2026, 10, 1)))
        refused(
            Code.TERMINATION_NOTICE_TOO_SHORT,
            lambda: close(end_date=D(2026, 9, 1), reason_text="Listen legges ned"),
        )
        close(end_date=D(2026, 10, 1), reason_text="Listen legges ned")
        closing.refresh_from_db()
        assert closing.end_reason_text == "Listen legges ned"
        period = DoctorPeriod.objects.get(agreement=closing)
        assert (period.valid_to, period.end_reason) == (D(2026, 10, 1), "oppsagt_kommune")
        assert period.end_reason_text == "Listen legges ned" and period.notice_given_on == TODAY

    def test_a_list_without_a_gp_closes_without_notice(self, trondheim):
        closing = gp_list(with_gp=False)
        close_agreement(
            trondheim,
            closing,
            end_date=D(2026, 4, 1),
            end_reason="sammenslatt",
            reason_text="Slås sammen med nabolisten",
            targets=[gp_list(ceiling=10)],
            today=TODAY,
        )
