"""The existing e-mails that are notices to users with accounts go through ``notify``:
the receipt's e-mail copy follows the user's choice; the receipt in Meldinger stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from fastlege.notices.models import Frequency, Kind, Notice, NoticePreference
from fastlege.registry.models import Notification
from fastlege.registry.services import receipts
from fastlege.registry.tests.factories import gp_list
from fastlege.registry.tests.test_receipts import _person_with_user

pytestmark = pytest.mark.django_db


def test_the_receipt_copy_follows_the_choice_and_the_receipt_stays(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person, user, _home = _person_with_user()
    with django_capture_on_commit_callbacks(execute=True):
        receipts.switch_with_receipt(user, person, gp_list(ceiling=40).pk)
    [message] = mail.outbox  # at once by default, with the one-click link
    assert message.to == [user.email] and "List-Unsubscribe" in message.extra_headers
    assert "Meldinger" in message.body

    other, quiet, _ = _person_with_user(email="kari@example.no")
    NoticePreference.objects.create(user=quiet, kind=Kind.RECEIPT, frequency=Frequency.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        receipts.switch_with_receipt(quiet, other, gp_list(ceiling=40).pk)
    assert len(mail.outbox) == 1  # no e-mail
    assert Notification.objects.filter(resident=other, kind=Notification.Kind.RECEIPT).exists()

    third, daily, _ = _person_with_user(email="per@example.no")
    NoticePreference.objects.create(user=daily, kind=Kind.RECEIPT, frequency=Frequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        receipts.switch_with_receipt(daily, third, gp_list(ceiling=40).pk)
    assert len(mail.outbox) == 1
    assert Notice.objects.get(user=daily, email__isnull=True).kind == Kind.RECEIPT
