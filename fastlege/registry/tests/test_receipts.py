"""A citizen's own actions: the summary says beforehand what the action will do, the
action writes its receipt in the same transaction, a refusal writes neither, and the
e-mail names nobody (issue 20, item 1)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry import rules
from fastlege.registry.models import (
    DoctorPeriod,
    Notification,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import receipts
from fastlege.registry.tests.factories import gp_list, member, user_with

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
RECEIPT = Notification.Kind.RECEIPT


def _person_with_user(email: str = "ingrid@example.no"):
    home = gp_list(ceiling=50, members=3)
    person = member(home, first_name="Ingrid", birth_date=datetime.date(1985, 3, 3))
    user = user_with(Role.CITIZEN, resident=person)
    user.email = email
    user.save(update_fields=["email"])
    return person, user, home


def test_the_summary_says_what_the_switch_then_does() -> None:
    person, user, home = _person_with_user()
    target = gp_list(ceiling=40, members=1)
    summary = receipts.switch_summary(user, person, target.pk)
    # independently: the 1st of next month, the GP's name, the year's first ordinary switch
    first_of_next = (TODAY.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    assert summary.effective_on == first_of_next
    gp = DoctorPeriod.objects.get(agreement=target).doctor.full_name
    assert gp in summary.target_label
    assert DoctorPeriod.objects.get(agreement=home).doctor.full_name in summary.current_label
    assert summary.counts and summary.quota_used == 0 and summary.this_switch_number == 1
    assert summary.quota_limit == 2  # pasientrettighetsforskriften § 6: two a year
    assert summary.takes_new and not summary.pending_label and summary.waiting is None
    assert not SwitchRequest.objects.exists()  # the summary writes nothing

    switch, note = receipts.switch_with_receipt(user, person, target.pk)
    assert switch.effective_on == summary.effective_on
    assert switch.counts_against_quota == summary.counts
    assert note.kind == RECEIPT and note.resident_id == person.pk
    assert gp in note.body and f"{summary.effective_on:%d.%m.%Y}" in note.body
    assert "nummer 1 av 2" in note.body
    # a second summary now shows the pending switch, which blocks another
    again = receipts.switch_summary(user, person, gp_list(ceiling=40).pk)
    assert gp in again.pending_label and again.pending_on == switch.effective_on


def test_a_refused_switch_writes_no_receipt_and_nothing_else() -> None:
    person, user, _ = _person_with_user()
    full = gp_list(ceiling=2, members=2)
    notes, audits = Notification.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        receipts.switch_with_receipt(user, person, full.pk)
    assert refused.value.code == "list_full"
    assert Notification.objects.count() == notes
    assert AuditEvent.objects.count() == audits
    assert not SwitchRequest.objects.exists()
    assert mail.outbox == []


def test_the_receipt_mail_goes_after_the_commit_and_names_nobody(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person, user, _ = _person_with_user()
    target = gp_list(ceiling=40)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receipts.switch_with_receipt(user, person, target.pk)
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ingrid@example.no"]
    gp = DoctorPeriod.objects.get(agreement=target).doctor
    for secret in (person.nin, person.first_name, person.last_name, gp.last_name):
        assert secret not in f"{message.subject} {message.body}"
    # no address, no e-mail; the receipt is in Meldinger all the same
    other, quiet, _ = _person_with_user(email="")
    with django_capture_on_commit_callbacks(execute=True):
        receipts.switch_with_receipt(quiet, other, gp_list(ceiling=40).pk)
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(resident=other, kind=RECEIPT).count() == 1


def test_joining_a_second_waiting_list_says_the_first_place_is_lost() -> None:
    person, user, _ = _person_with_user()
    first, second = gp_list(ceiling=1, members=1), gp_list(ceiling=1, members=1)
    assert receipts.waiting_summary(user, person, first.pk).replaces is None
    receipts.join_waiting_with_receipt(user, person, first.pk)
    summary = receipts.waiting_summary(user, person, second.pk)
    first_gp = DoctorPeriod.objects.get(agreement=first).doctor.full_name
    assert summary.replaces is not None and first_gp in summary.replaces.label
    _, note = receipts.join_waiting_with_receipt(user, person, second.pk)
    assert first_gp in note.body  # the receipt names the place given up
    assert list(
        WaitingListEntry.objects.filter(resident=person).values_list("agreement_id", "status")
    ) == [
        (first.pk, WaitingListEntry.Status.REPLACED),
        (second.pk, WaitingListEntry.Status.WAITING),
    ]
    _, left = receipts.leave_waiting_with_receipt(user, person)
    assert left.kind == RECEIPT
    assert not WaitingListEntry.objects.filter(
        resident=person, status=WaitingListEntry.Status.WAITING
    ).exists()


def test_a_cancelled_switch_gets_its_receipt_and_does_not_count() -> None:
    person, user, _ = _person_with_user()
    switch, _ = receipts.switch_with_receipt(user, person, gp_list(ceiling=40).pk)
    cancelled, note = receipts.cancel_switch_with_receipt(user, person, switch.pk)
    assert cancelled.status == SwitchRequest.Status.CANCELLED
    assert "kansellert" in note.body
    summary = receipts.switch_summary(user, person, gp_list(ceiling=40).pk)
    assert summary.quota_used == 0 and not summary.pending_label


def test_a_parent_acting_for_a_child_gets_the_childs_receipt(
    django_capture_on_commit_callbacks: Any,
) -> None:
    parent, user, home = _person_with_user()
    child = member(
        home,
        first_name="Ola",
        birth_date=TODAY.replace(year=TODAY.year - 8, day=1),
        mother=parent,
    )
    target = gp_list(ceiling=40)
    summary = receipts.switch_summary(user, child, target.pk)
    assert summary.effective_on == rules.switch_effective_on(TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        _, note = receipts.switch_with_receipt(user, child, target.pk)
    assert note.resident_id == child.pk
    assert mail.outbox[0].to == ["ingrid@example.no"]
    # someone who may not act for the child sees no summary of it
    stranger = user_with(Role.CITIZEN, resident=member(home))
    with pytest.raises(DomainError):
        receipts.switch_summary(stranger, child, target.pk)
