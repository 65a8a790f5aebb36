"""Municipality side: lists, regular GPs, a GP leaving, takeover, closing, substitutes."""

from __future__ import annotations

import datetime
from functools import partial

import pytest

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    ListMembership,
    Notification,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import (
    Code,
    assign_gp,
    close_agreement,
    create_list,
    gp_leaves,
    join_waiting_list,
    place_unassigned,
    register_substitute,
    request_switch,
    set_list_open,
    take_over_list,
)
from fastlege.registry.tests.factories import (
    DoctorFactory,
    DoctorPeriodFactory,
    PracticeFactory,
    ResidentFactory,
    add_members,
    gp_list,
    member,
    user_with,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def trondheim():
    return user_with(Role.MUNICIPALITY, municipality_id="5001")


class TestCreateList:
    def test_a_new_list_is_an_empty_list_without_a_gp(self, trondheim):
        practice = PracticeFactory.create(municipality_id="5001")
        agreement = create_list(
            trondheim, practice, ceiling=1200, valid_from=D(2026, 4, 1), today=TODAY
        )
        assert agreement.municipality_id == "5001" and agreement.is_open
        assert not ListMembership.objects.filter(agreement=agreement).exists()
        assert not DoctorPeriod.objects.filter(agreement=agreement).exists()
        assert AuditEvent.objects.get(action="agreement.created").details["zero_list"]

    @pytest.mark.parametrize("ceiling", [2501, -1, 3000])
    def test_ceiling_above_2500_is_refused(self, trondheim, ceiling):
        with pytest.raises(DomainError) as exc:
            create_list(
                trondheim,
                PracticeFactory.create(),
                ceiling=ceiling,
                valid_from=D(2026, 4, 1),
                today=TODAY,
            )
        assert exc.value.code == Code.CEILING_OUT_OF_RANGE
        assert "2500" in exc.value.messages[0]
        assert not Agreement.objects.exists()

    def test_ceiling_under_500_needs_the_municipalitys_approval(self, trondheim):
        practice = PracticeFactory.create()
        with pytest.raises(DomainError) as exc:
            create_list(trondheim, practice, ceiling=300, valid_from=D(2026, 4, 1), today=TODAY)
        assert exc.value.code == Code.LOW_CEILING_NEEDS_APPROVAL
        agreement = create_list(
            trondheim,
            practice,
            ceiling=300,
            low_ceiling_approved=True,
            valid_from=D(2026, 4, 1),
            today=TODAY,
        )
        assert agreement.low_ceiling_approved

    def test_another_municipality_cannot_create_lists_here(self):
        oslo = user_with(Role.MUNICIPALITY, municipality_id="0301")
        with pytest.raises(DomainError) as exc:
            create_list(
                oslo, PracticeFactory.create(), ceiling=1000, valid_from=D(2026, 4, 1), today=TODAY
            )
        assert exc.value.code == Code.NOT_AUTHORISED


class TestRegularGp:
    def test_assign_a_gp_to_a_vacant_list_tells_the_residents(self, trondheim):
        vacant = gp_list(members=3, with_gp=False)
        doctor = DoctorFactory.create(first_name="Ada", last_name="Berg")
        period = assign_gp(trondheim, vacant, doctor, valid_from=D(2026, 4, 1))
        assert period.role == DoctorPeriod.Role.REGULAR
        notes = Notification.objects.filter(kind=Notification.Kind.NEW_GP)
        assert notes.count() == 3
        assert "Ada Berg" in notes[0].body and "01.04.2026" in notes[0].body
        assert "bytte" in notes[0].body

    def test_a_list_with_a_gp_cannot_get_another(self, trondheim):
        agreement = gp_list(members=1)
        with pytest.raises(DomainError) as exc:
            assign_gp(trondheim, agreement, DoctorFactory.create(), valid_from=D(2026, 4, 1))
        assert exc.value.code == Code.LIST_HAS_GP

    def test_a_doctor_of_80_cannot_get_an_agreement(self, trondheim):
        vacant = gp_list(with_gp=False)
        old = DoctorFactory.create(birth_date=D(1946, 1, 1))
        with pytest.raises(DomainError) as exc:
            assign_gp(trondheim, vacant, old, valid_from=D(2026, 4, 1))
        assert exc.value.code == Code.DOCTOR_TOO_OLD

    def test_gp_leaves_with_notice_and_the_residents_stay_on_a_list_without_a_gp(self, trondheim):
        agreement = gp_list(members=4)
        with pytest.raises(DomainError) as exc:
            gp_leaves(
                trondheim,
                agreement,
                end_date=D(2026, 6, 1),
                end_reason="sluttet",
                notice_given_on=TODAY,
                today=TODAY,
            )
        assert exc.value.code == Code.NOTICE_TOO_SHORT
        assert "6 måneders" in exc.value.messages[0]
        period = gp_leaves(
            trondheim,
            agreement,
            end_date=D(2026, 10, 1),
            end_reason="sluttet",
            notice_given_on=D(2026, 3, 1),
            today=TODAY,
        )
        assert period.valid_to == D(2026, 10, 1) and period.notice_given_on == D(2026, 3, 1)
        assert (
            ListMembership.objects.filter(agreement=agreement, valid_to__isnull=True).count() == 4
        )
        assert Notification.objects.filter(kind=Notification.Kind.GP_LEAVING).count() == 4
        from fastlege.registry.services.access import regular_gp_on

        assert regular_gp_on(agreement.pk, D(2026, 9, 30)) is not None
        assert regular_gp_on(agreement.pk, D(2026, 10, 1)) is None  # ubesatt from then

    def test_shorter_notice_can_be_agreed(self, trondheim):
        from fastlege.registry.services.access import regular_gp_on

        agreement = gp_list(members=1)
        leave = partial(gp_leaves, trondheim, agreement, end_date=D(2026, 5, 1))
        with pytest.raises(DomainError) as exc:  # under six months' notice, not agreed
            leave(end_reason="sluttet", today=TODAY)
        assert exc.value.code == Code.NOTICE_TOO_SHORT
        assert regular_gp_on(agreement.pk, D(2026, 5, 1)) is not None
        period = leave(end_reason="sluttet", shorter_notice_agreed=True, today=TODAY)
        period.refresh_from_db()
        assert (period.valid_to, period.end_reason) == (D(2026, 5, 1), "sluttet")
        assert period.notice_given_on == TODAY
        assert regular_gp_on(agreement.pk, D(2026, 4, 30)) == period
        assert regular_gp_on(agreement.pk, D(2026, 5, 1)) is None  # ubesatt from the 1st

    def test_a_list_without_a_gp_has_no_gp_to_leave(self, trondheim):
        with pytest.raises(DomainError) as exc:
            gp_leaves(
                trondheim,
                gp_list(with_gp=False),
                end_date=D(2026, 5, 1),
                end_reason="alder",
                today=TODAY,
            )
        assert exc.value.code == Code.LIST_WITHOUT_GP

    def test_a_new_gp_takes_the_list_over(self, trondheim):
        agreement = gp_list(members=2)
        old = DoctorPeriod.objects.get(agreement=agreement)
        new = take_over_list(trondheim, agreement, DoctorFactory.create(), valid_from=D(2026, 5, 1))
        old.refresh_from_db()
        assert old.valid_to == D(2026, 5, 1) and old.end_reason == "overtatt"
        assert new.valid_from == D(2026, 5, 1)
        assert Notification.objects.filter(kind=Notification.Kind.NEW_GP).count() == 2
        assert (
            ListMembership.objects.filter(agreement=agreement, valid_to__isnull=True).count() == 2
        )


class TestCloseAgreement:
    def test_residents_move_with_households_together_and_are_told(self, trondheim):
        closing = gp_list(members=0)
        family = add_members(closing, 3, household=77)
        add_members(closing, 2)
        small, big = gp_list(ceiling=4, members=2), gp_list(ceiling=10, members=2)
        result = close_agreement(
            trondheim,
            closing,
            end_date=D(2026, 5, 1),
            end_reason="oppsagt",
            reason_text="Kommunen samler listene.",
            shorter_notice_agreed=True,
            targets=[small, big],
            today=TODAY,
        )
        assert result.total == 5
        moves = SwitchRequest.objects.filter(reason=SwitchRequest.Reason.AGREEMENT_CLOSED)
        assert moves.count() == 5 and not moves.filter(counts_against_quota=True).exists()
        assert {m.effective_on for m in moves} == {D(2026, 5, 1)}
        assert len({m.to_agreement_id for m in moves.filter(resident__in=family)}) == 1
        closing.refresh_from_db()
        assert closing.valid_to == D(2026, 5, 1) and not closing.is_open
        assert DoctorPeriod.objects.get(agreement=closing).valid_to == D(2026, 5, 1)
        assert Notification.objects.filter(kind="avtale_avsluttet").count() == 5
        assert small.ceiling >= 2 + result.moved.get(small.pk, 0)

    def test_not_enough_room_is_refused_and_nothing_is_written(self, trondheim):
        closing = gp_list(members=5)
        target = gp_list(ceiling=4, members=2)
        counts = (SwitchRequest.objects.count(), Notification.objects.count())
        with pytest.raises(DomainError) as exc:
            close_agreement(
                trondheim,
                closing,
                end_date=D(2026, 5, 1),
                end_reason="oppsagt",
                reason_text="Kommunen samler listene.",
                shorter_notice_agreed=True,
                targets=[target],
                today=TODAY,
            )
        assert exc.value.code == Code.INSUFFICIENT_CAPACITY
        closing.refresh_from_db()
        assert closing.valid_to is None
        assert (SwitchRequest.objects.count(), Notification.objects.count()) == counts

    def test_merging_may_go_over_the_ceiling_when_the_municipality_says_so(self, trondheim):
        closing, target = gp_list(members=5), gp_list(ceiling=4, members=2)
        result = close_agreement(
            trondheim,
            closing,
            end_date=D(2026, 5, 1),
            end_reason="sammenslatt",
            reason_text="Kommunen samler listene.",
            shorter_notice_agreed=True,
            targets=[target],
            allow_over_ceiling=True,
            today=TODAY,
        )
        assert result.moved == {target.pk: 5}

    def test_pending_moves_onto_the_closing_list_are_refused_and_its_queue_ends(self, trondheim):
        closing = gp_list(ceiling=3, members=2)
        incoming = member(gp_list(members=1))
        waiting = member(gp_list(members=1))
        switch = request_switch(None, incoming, closing, today=TODAY)
        join_waiting_list(None, waiting, closing, today=TODAY)
        close_agreement(
            trondheim,
            closing,
            end_date=D(2026, 6, 1),
            end_reason="oppsagt",
            reason_text="Kommunen samler listene.",
            shorter_notice_agreed=True,
            targets=[gp_list(ceiling=10)],
            today=TODAY,
        )
        switch.refresh_from_db()
        assert switch.status == SwitchRequest.Status.REFUSED
        assert WaitingListEntry.objects.get(resident=waiting).status == "avsluttet"

    def test_end_date_must_be_the_first_of_a_month(self, trondheim):
        with pytest.raises(DomainError) as exc:
            close_agreement(
                trondheim, gp_list(), end_date=D(2026, 5, 2), end_reason="oppsagt", today=TODAY
            )
        assert exc.value.code == Code.NOT_FIRST_OF_MONTH


class TestSubstitutes:
    def test_register_a_substitute_period(self, trondheim):
        agreement = gp_list()
        locum = DoctorFactory.create()
        period = register_substitute(
            trondheim,
            agreement,
            locum,
            valid_from=D(2026, 4, 1),
            valid_to=D(2026, 7, 1),
            percentage=60,
        )
        assert period.role == DoctorPeriod.Role.SUBSTITUTE and period.percentage == 60
        assert period.substitute_for_id == DoctorPeriod.objects.get(role="LPFL").doctor_id

    def test_no_double_claims_for_the_same_time_on_one_list(self, trondheim):
        agreement = gp_list()
        register_substitute(
            trondheim,
            agreement,
            DoctorFactory.create(),
            valid_from=D(2026, 4, 1),
            valid_to=D(2026, 7, 1),
            percentage=60,
        )
        with pytest.raises(DomainError) as exc:
            register_substitute(
                trondheim,
                agreement,
                DoctorFactory.create(),
                valid_from=D(2026, 6, 1),
                valid_to=D(2026, 8, 1),
                percentage=50,
            )
        assert exc.value.code == Code.SUBSTITUTE_DOUBLE_CLAIM
        # 40 % fits beside 60 %, and a period starting when the first ends is fine.
        register_substitute(
            trondheim,
            agreement,
            DoctorFactory.create(),
            valid_from=D(2026, 6, 1),
            valid_to=D(2026, 8, 1),
            percentage=40,
        )
        register_substitute(
            trondheim,
            agreement,
            DoctorFactory.create(),
            valid_from=D(2026, 8, 1),
            valid_to=D(2026, 9, 1),
            percentage=60,
        )

    def test_one_substitute_cannot_be_full_time_on_two_lists_at_once(self, trondheim):
        locum = DoctorFactory.create()
        register_substitute(
            trondheim, gp_list(), locum, valid_from=D(2026, 4, 1), valid_to=D(2026, 7, 1)
        )
        with pytest.raises(DomainError) as exc:
            register_substitute(
                trondheim, gp_list(), locum, valid_from=D(2026, 5, 1), valid_to=D(2026, 6, 1)
            )
        assert exc.value.code == Code.SUBSTITUTE_DOUBLE_CLAIM

    def test_the_lists_own_gp_is_not_its_substitute(self, trondheim):
        agreement = gp_list()
        gp = DoctorPeriod.objects.get(agreement=agreement).doctor
        with pytest.raises(DomainError) as exc:
            register_substitute(
                trondheim, agreement, gp, valid_from=D(2026, 4, 1), valid_to=D(2026, 5, 1)
            )
        assert exc.value.code == Code.SUBSTITUTE_IS_LIST_GP

    def test_bad_period_and_percentage(self, trondheim):
        agreement = gp_list()
        with pytest.raises(DomainError) as exc:
            register_substitute(
                trondheim,
                agreement,
                DoctorFactory.create(),
                valid_from=D(2026, 4, 1),
                valid_to=D(2026, 4, 1),
            )
        assert exc.value.code == Code.INVALID_PERIOD
        with pytest.raises(DomainError) as exc:
            register_substitute(
                trondheim,
                agreement,
                DoctorFactory.create(),
                valid_from=D(2026, 4, 1),
                valid_to=D(2026, 5, 1),
                percentage=0,
            )
        assert exc.value.code == Code.PERCENTAGE_OUT_OF_RANGE


class TestOpenClose:
    def test_the_gp_closes_and_opens_their_own_list(self):
        agreement = gp_list(members=1)
        doctor = DoctorPeriod.objects.get(agreement=agreement).doctor
        gp = user_with(Role.GP, doctor=doctor)
        set_list_open(gp, agreement, is_open=False, today=TODAY)
        agreement.refresh_from_db()
        assert not agreement.is_open and agreement.locked_by_hand
        with pytest.raises(DomainError) as exc:
            request_switch(None, member(gp_list(members=1)), agreement, today=TODAY)
        assert exc.value.code == Code.LIST_CLOSED
        set_list_open(gp, agreement, is_open=True, today=TODAY)
        agreement.refresh_from_db()
        assert agreement.is_open and not agreement.locked_by_hand

    def test_another_gp_cannot(self):
        agreement = gp_list()
        other = DoctorPeriodFactory.create().doctor
        with pytest.raises(DomainError) as exc:
            set_list_open(user_with(Role.GP, doctor=other), agreement, is_open=False, today=TODAY)
        assert exc.value.code == Code.GP_NOT_ON_AGREEMENT


class TestPlaceUnassigned:
    def test_an_unassigned_resident_is_placed_from_next_month_with_a_letter(self, trondheim):
        person = ResidentFactory.create(municipality_id="5001")
        target = gp_list(ceiling=5, members=1)
        switch = place_unassigned(trondheim, person, target, today=TODAY)
        assert switch.reason == SwitchRequest.Reason.PLACEMENT
        assert switch.effective_on == D(2026, 4, 1) and switch.from_agreement is None
        assert Notification.objects.get(resident=person).kind == Notification.Kind.PLACEMENT

    def test_someone_on_a_list_is_not_unassigned(self, trondheim):
        with pytest.raises(DomainError) as exc:
            place_unassigned(trondheim, member(gp_list(members=1)), gp_list(), today=TODAY)
        assert exc.value.code == Code.ALREADY_ON_A_LIST

    def test_lists_in_another_municipality_are_not_used(self, trondheim):
        person = ResidentFactory.create(municipality_id="5001")
        with pytest.raises(DomainError) as exc:
            place_unassigned(trondheim, person, gp_list(municipality="5006"), today=TODAY)
        assert exc.value.code == Code.TARGET_OTHER_MUNICIPALITY
