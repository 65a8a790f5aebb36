"""Nothing is half-written: a failing operation leaves no rows, not even its audit row."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps

from fastlege.core.errors import DomainError
from fastlege.registry.services import (
    close_agreement,
    gp_leaves,
    prepare_list_reduction,
    register_birth,
    remove_resident_for_threats,
    request_switch,
    take_over_list,
)
from fastlege.registry.tests.factories import (
    DoctorFactory,
    add_members,
    gp_list,
    member,
    synthetic_nin,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 3, 10)


def snapshot() -> dict[str, list[dict]]:
    """Every row of the registry and of core (audit), whole: an update that stayed
    behind shows as well as a row too many."""
    models = [
        *apps.get_app_config("registry").get_models(),
        *apps.get_app_config("core").get_models(),
    ]
    return {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in models}


class Boom(Exception):
    pass


@pytest.fixture
def audit_fails(monkeypatch):
    """Make the last step of every operation (the audit row) fail."""

    def fail(*args, **kwargs):
        raise Boom

    monkeypatch.setattr("fastlege.core.audit.record", fail)
    monkeypatch.setattr("fastlege.core.audit.insert_and_record", fail)


def test_a_failure_at_the_last_step_rolls_everything_back(audit_fails):
    source = gp_list(ceiling=5, members=0)
    add_members(source, 8, household=None)
    member(source, household=4)
    target = gp_list(ceiling=100)
    mother = member(gp_list(members=1))
    person = member(gp_list(members=1))
    empty = gp_list(members=0)  # the GP leaves: only a row changes, none is added
    doctor = DoctorFactory.create()
    before = snapshot()
    assert sum(map(len, before.values())) > 0
    operations = [
        lambda: request_switch(None, person, target, today=TODAY),
        lambda: take_over_list(None, source, doctor, valid_from=D(2026, 5, 1)),
        lambda: gp_leaves(None, empty, end_date=D(2026, 5, 1), end_reason="dod", today=TODAY),
        lambda: prepare_list_reduction(
            None, source, effective_on=D(2026, 10, 1), plan=[(target, 3)], today=TODAY
        ),
        lambda: close_agreement(
            None,
            source,
            end_date=D(2026, 5, 1),
            end_reason="oppsagt",
            reason_text="Listen legges ned.",
            shorter_notice_agreed=True,
            today=TODAY,
        ),
        lambda: remove_resident_for_threats(
            None, person, person.memberships.get().agreement, reason="Trusler", today=TODAY
        ),
        lambda: register_birth(
            None,
            nin=synthetic_nin(D(2026, 3, 1)),
            first_name="B",
            last_name="N",
            mother=mother,
            today=TODAY,
        ),
    ]
    for op in operations:
        with pytest.raises(Boom):
            op()
        assert snapshot() == before


def test_a_refusal_after_partial_work_leaves_nothing():
    closing = gp_list(members=6)
    gp_list(ceiling=8, members=4)  # room for 4 of 6
    before = snapshot()
    with pytest.raises(DomainError):
        close_agreement(
            None,
            closing,
            end_date=D(2026, 5, 1),
            end_reason="oppsagt",
            reason_text="Listen legges ned.",
            shorter_notice_agreed=True,
            today=TODAY,
        )
    assert snapshot() == before
    closing.refresh_from_db()
    assert closing.valid_to is None and closing.is_open
