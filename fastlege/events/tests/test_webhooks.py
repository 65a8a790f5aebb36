"""Webhooks: a subscription gets every event of its area after its cursor, in order,
signed, at least once, even from a receiver that fails for a while; failures wait a
growing, capped, jittered time; only national administrators manage subscriptions."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.api.models import ApiClient
from fastlege.api.services.clients import register_client
from fastlege.core.models import AuditEvent
from fastlege.events.models import Event, Subscription
from fastlege.events.services import delivery, subscriptions
from fastlege.events.services.errors import EventsError
from fastlege.events.services.publish import publish
from fastlege.events.tests.receiver import Receiver, running, verify
from fastlege.registry.tests.factories import add_members, gp_list, member, user_with

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def client(role: str = Role.NATIONAL, **scope: Any) -> ApiClient:
    name = f"hook-{role}-{sorted(scope.items())}"
    return register_client(user_with(Role.NATIONAL), name=name, role=role, **scope).client


def subscribe(url: str, owner: ApiClient | None = None, **kw: Any) -> subscriptions.Created:
    publish()  # a new subscription starts after the newest published event
    return subscriptions.create_subscription(
        user_with(Role.NATIONAL), client=owner or client(), url=url, **kw
    )


def positions_after(cursor: int) -> list[int]:
    publish()
    found = Event.objects.filter(position__gt=cursor).order_by("position")
    return [int(p or 0) for p in found.values_list("position", flat=True)]


def test_a_receiver_that_fails_three_times_then_recovers_gets_every_event_in_order() -> None:
    with running(Receiver(fail=3)) as receiver:
        created = subscribe(receiver.url)
        sub = created.subscription
        agreement = gp_list()
        add_members(agreement, 27)
        expected = positions_after(sub.cursor)
        assert len(expected) == 29  # the list, its GP period, 27 places

        now = timezone.now()
        delivery.deliver_due(batch=7, now=now)
        sub.refresh_from_db()
        assert sub.failures == 1 and sub.cursor == created.subscription.cursor  # not moved
        base = datetime.timedelta(seconds=delivery.retry_base())
        assert now + base / 2 <= sub.next_attempt_at <= now + base
        delivery.deliver_due(batch=7, now=now)  # not due yet: nothing is sent
        assert len(receiver.attempts) == 1

        for _ in range(10):
            now += HOUR
            delivery.deliver_due(batch=7, now=now)
        sub.refresh_from_db()

    assert receiver.ids() == expected  # all, in order, once each
    assert sub.cursor == expected[-1] and sub.failures == 0 and sub.last_error == ""
    # the failed batch was sent again, never skipped
    assert [e["id"] for e in receiver.attempts[0]] == expected[:7]
    assert all(a == receiver.attempts[0] for a in receiver.attempts[1:4])
    assert all(verify(created.secret, header, body) for header, body in receiver.signatures)
    assert not verify("whsec_wrong", *receiver.signatures[0])


def test_a_subscription_sends_only_its_area_and_types_and_audits_the_persons() -> None:
    with running(Receiver()) as receiver:
        owner = client(Role.MUNICIPALITY, municipality_id="5001")
        sub = subscribe(receiver.url, owner, event_types=["PatientOnContractCreated"]).subscription
        mine, other = gp_list(municipality="5001"), gp_list(municipality="0301")
        a, _b = member(mine), member(other)
        delivery.deliver_due(now=timezone.now())
    batch = receiver.accepted[0]
    assert [(e["type"], e["payload"]["resident"]) for e in batch] == [
        ("PatientOnContractCreated", a.pk)
    ]
    audit = AuditEvent.objects.filter(action="events.webhook").get()
    assert audit.actor_id == owner.user_id and audit.details["ids"] == [str(a.pk)]
    assert audit.details["subscription"] == sub.pk


def test_the_wait_doubles_with_each_failure_up_to_the_cap_with_jitter() -> None:
    rng = random.Random(7)
    base, cap = delivery.retry_base(), delivery.retry_cap()
    for failures in range(1, 25):
        full = min(cap, base * 2 ** (failures - 1))
        waits = [delivery.backoff(failures, rng).total_seconds() for _ in range(20)]
        assert all(full / 2 <= w <= full for w in waits)
        assert len(set(waits)) > 1  # jittered
    assert delivery.backoff(30, rng).total_seconds() <= cap


def test_an_unreachable_receiver_counts_failures_and_keeps_the_cursor() -> None:
    sub = subscribe("http://127.0.0.1:9/nobody").subscription  # port 9: discard, closed
    gp_list()
    start = sub.cursor
    now = timezone.now()
    for i in range(3):
        outcome = delivery.deliver_due(now=now, timeout=2)[0]
        assert outcome.error and outcome.events == 0
        sub.refresh_from_db()
        assert sub.failures == i + 1 and sub.cursor == start
        now = sub.next_attempt_at


def test_only_a_national_administrator_manages_subscriptions() -> None:
    owner = client()
    municipal = user_with(Role.MUNICIPALITY, municipality_id="5001")
    with pytest.raises(EventsError) as refused:
        subscriptions.create_subscription(municipal, client=owner, url="https://x.test/h")
    assert refused.value.code == "not_authorised"
    national = user_with(Role.NATIONAL)
    for url in ("http://example.com/h", "ftp://x.test", "https://"):
        with pytest.raises(EventsError) as bad:
            subscriptions.create_subscription(national, client=owner, url=url)
        assert bad.value.code == "bad_url"
    with pytest.raises(EventsError) as bad_type:
        subscriptions.create_subscription(
            national, client=owner, url="https://x.test/h", event_types=["PatientNinChanged"]
        )
    assert bad_type.value.code == "bad_event_type"
    gp = client(Role.GP, doctor_id=gp_list().doctor_periods.get().doctor_id)
    with pytest.raises(EventsError) as no_area:
        subscriptions.create_subscription(national, client=gp, url="https://x.test/h")
    assert no_area.value.code == "no_event_area"
    assert not Subscription.objects.exists()

    made = subscriptions.create_subscription(national, client=owner, url="https://x.test/h")
    assert made.secret.startswith("whsec_") and len(made.secret) > 40
    assert AuditEvent.objects.filter(
        action="events.subscription_created", object_id=str(made.subscription.pk)
    ).exists()
    subscriptions.change_subscription(national, made.subscription, active=False)
    assert AuditEvent.objects.filter(action="events.subscription_changed").exists()


def test_the_admin_registers_a_subscription_and_shows_the_secret_once(
    admin_client: Client,
) -> None:
    owner = client()
    page = admin_client.get("/admin/events/subscription/add/")
    assert page.status_code == 200
    response = admin_client.post(
        "/admin/events/subscription/add/",
        {"client": owner.pk, "url": "https://mottak.test/hook", "event_types": []},
        follow=True,
    )
    assert response.status_code == 200
    sub = Subscription.objects.get()
    assert sub.client == owner and sub.url == "https://mottak.test/hook"
    assert sub.secret in response.content.decode()  # shown now, once
    change = admin_client.get(f"/admin/events/subscription/{sub.pk}/change/")
    assert change.status_code == 200 and sub.secret not in change.content.decode()
    assert admin_client.get("/admin/events/subscription/").status_code == 200
    assert admin_client.get("/admin/events/event/").status_code == 200
    refused = admin_client.post(
        "/admin/events/subscription/add/",
        {"client": owner.pk, "url": "http://ekstern.test/hook", "event_types": []},
    )
    assert refused.status_code == 200 and Subscription.objects.count() == 1


def test_opening_a_list_place_event_in_the_admin_is_a_read_of_the_person(
    admin_client: Client,
) -> None:
    person = member(gp_list())
    event = Event.objects.filter(type="PatientOnContractCreated").order_by("-id").first()
    assert event is not None
    response = admin_client.get(f"/admin/events/event/{event.pk}/change/")
    assert response.status_code == 200
    read = AuditEvent.objects.filter(action="admin.event").get()
    assert read.kind == AuditEvent.Kind.READ and read.details["ids"] == [str(person.pk)]
