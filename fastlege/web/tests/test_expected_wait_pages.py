"""The expected wait where a citizen sees it: the own page's waiting-list card, the
confirmation before joining a waiting list, and the public «Slik regner vi» page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.registry import waiting_time as wt
from fastlege.registry.models import WaitingListEntry
from fastlege.registry.tests.waiting_history import queue, record, steady
from fastlege.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_citizens_page_shows_the_expected_wait_of_their_place(world: World) -> None:
    # The full list had 11 places go to its queue in the last 12 months; the citizen is
    # first in line. The range is the method's (its figures are tested against a
    # simulation in registry/tests/test_waiting_time_model.py): 1–4 months.
    history = steady([1] * 11 + [0], agreement_id=world.full_list.pk)
    assert (wt.estimate(history, 1).low, wt.estimate(history, 1).high) == (1, 4)
    record(world.full_list, history)
    WaitingListEntry.objects.create(resident=world.citizen, agreement=world.full_list)
    page = world.client("citizen").get(reverse("web:person", args=[world.citizen.pk]))
    text = page.content.decode()
    assert "nummer 1 av 1" in text
    assert "Forventet ventetid:" in text
    assert "1–4 måneder" in text
    assert "11 plasser som ble ledige for ventelisten de siste 12 månedene" in text
    assert reverse("web:waiting_time_method") in text


def test_joining_a_list_without_history_says_the_wait_is_unknown(world: World) -> None:
    r = world.client("citizen").get(
        reverse("web:join_waiting", args=[world.citizen.pk]), {"agreement": world.full_list.pk}
    )
    text = r.content.decode()
    assert "Forventet ventetid:" in text
    assert "for kort historikk" in text
    assert not WaitingListEntry.objects.exists()  # the summary only asks


def test_joining_shows_the_wait_of_a_newcomer_behind_the_queue(world: World) -> None:
    history = steady([1] * 11 + [0], agreement_id=world.full_list.pk)
    record(world.full_list, history)
    # Two wait already: the newcomer is third.
    third = wt.estimate(history, 3)
    assert third.low is not None and third.high is not None
    queue(world.full_list, 2)
    r = world.client("citizen").get(
        reverse("web:join_waiting", args=[world.citizen.pk]), {"agreement": world.full_list.pk}
    )
    assert f"{third.low}–{third.high} måneder" in r.content.decode()


def test_the_method_is_explained_to_anyone() -> None:
    r = Client().get(reverse("web:waiting_time_method"))
    assert r.status_code == 200
    text = r.content.decode()
    assert "Slik regner vi ut forventet ventetid" in text
    assert "de siste 12 månedene" in text
    assert "25 av 100" in text and "75 av 100" in text
