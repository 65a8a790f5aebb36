"""Si fra når det blir plass: watching lists and searches, stopping, the page, and who may
do it. The monthly pass is in test_notify.py."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.registry.tests.factories import gp_list, member, user_with
from fastlege.watches import services
from fastlege.watches.models import Watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def family() -> dict[str, Any]:
    full = gp_list(ceiling=2, members=2)
    other = gp_list(ceiling=3, members=3)
    home = gp_list(ceiling=50, members=1)
    mother = member(home, first_name="Ingrid", birth_date=datetime.date(1985, 3, 3))
    today = datetime.date.today()
    child = member(home, birth_date=today.replace(year=today.year - 8, day=1), mother=mother)
    stranger = member(home, first_name="Anders", birth_date=datetime.date(1970, 4, 4))
    return {
        "full": full,
        "other": other,
        "mother": mother,
        "child": child,
        "stranger": stranger,
        "user": user_with(Role.CITIZEN, resident=mother),
        "stranger_user": user_with(Role.CITIZEN, resident=stranger),
    }


def active(person: Any) -> list[Watch]:
    return list(Watch.objects.filter(resident=person, ended_at__isnull=True).order_by("pk"))


def test_a_citizen_watches_several_lists_and_a_search_then_stops_one(family: Any) -> None:
    user, me = family["user"], family["mother"]

    a = services.watch_list(user, me, family["full"])
    b = services.watch_list(user, me, family["other"].pk)
    s = services.watch_search(user, me, "5001", {"sex": "K", "specialty": ""})

    assert active(me) == [a, b, s]
    assert s.filters == {"sex": "K"} and s.municipality_id == "5001"
    assert a.created_by == user
    services.stop_watching(user, me, b.pk)
    assert active(me) == [a, s]
    b.refresh_from_db()
    assert b.ended_by == user and b.ended_at is not None
    actions = list(
        AuditEvent.objects.filter(action__startswith="watch.").values_list("action", "actor_id")
    )
    assert sorted(actions) == sorted(
        [
            ("watch.list_started", user.pk),
            ("watch.list_started", user.pk),
            ("watch.search_started", user.pk),
            ("watch.stopped", user.pk),
        ]
    )


def test_a_parent_watches_for_a_child_and_a_stranger_may_not(family: Any) -> None:
    watch = services.watch_list(family["user"], family["child"], family["full"])
    assert watch.resident == family["child"]

    with pytest.raises(DomainError) as refused:
        services.watch_list(family["stranger_user"], family["mother"], family["full"])
    assert refused.value.code == "not_authorised"
    with pytest.raises(DomainError):
        services.stop_watching(family["stranger_user"], family["child"], watch.pk)
    with pytest.raises(DomainError) as not_hers:  # her own person, someone else's watch
        services.stop_watching(family["stranger_user"], family["stranger"], watch.pk)
    assert not_hers.value.code == "not_watching"
    assert active(family["child"]) == [watch]


def test_refusals_change_nothing(family: Any) -> None:
    user, me = family["user"], family["mother"]
    services.watch_list(user, me, family["full"], limit=2)
    cases = [
        (lambda: services.watch_list(user, me, family["full"]), "already_watching"),
        (lambda: services.watch_list(user, me, 999_999), "unknown_list"),
        (lambda: services.watch_search(user, me, "9999"), "unknown_municipality"),
        (lambda: services.watch_search(user, me, "5001", {"language": "pl"}), "invalid_filter"),
        (lambda: services.watch_search(user, me, "5001", {"sex": "X"}), "invalid_filter"),
    ]
    for call, code in cases:
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == code
    services.watch_search(user, me, "5001", limit=2)
    with pytest.raises(DomainError) as full:
        services.watch_list(user, me, family["other"], limit=2)
    assert full.value.code == "too_many_watches"
    assert "2" in full.value.messages[0]
    assert len(active(me)) == 2
    assert AuditEvent.objects.filter(action__startswith="watch.").count() == 2


def page(person: Any) -> str:
    return reverse("watches:watches", args=[person.pk])


def test_the_page_says_watching_holds_no_place_and_works_without_javascript(
    family: Any,
) -> None:
    client = Client()
    client.force_login(family["user"])
    me = family["mother"]

    response = client.get(page(me))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ikke en venteliste og holder ingen plass" in html

    r = client.post(reverse("watches:watch_list", args=[me.pk]), {"liste": family["full"].pk})
    assert r.status_code == 302
    r = client.post(
        reverse("watches:watch_search", args=[me.pk]),
        {"kommune": "5001", "kjonn": "M", "spesialist": ""},
    )
    assert r.status_code == 302
    watches = active(me)
    assert [(w.kind, w.agreement_id, w.filters) for w in watches] == [
        ("liste", family["full"].pk, {}),
        ("sok", None, {"sex": "M"}),
    ]
    html = client.get(page(me)).content.decode()
    assert family["full"].practice.name in html and "mannlig lege" in html

    client.post(reverse("watches:stop", args=[me.pk, watches[0].pk]))
    assert active(me) == [watches[1]]


def test_a_stranger_gets_404_on_the_page_and_its_forms(family: Any) -> None:
    watch = services.watch_list(family["user"], family["mother"], family["full"])
    client = Client()
    client.force_login(family["stranger_user"])
    me = family["mother"]

    assert client.get(page(me)).status_code == 404
    assert client.get(page(family["child"])).status_code == 404
    posted = client.post(reverse("watches:watch_list", args=[me.pk]), {"liste": 1})
    assert posted.status_code == 404
    assert client.post(reverse("watches:stop", args=[me.pk, watch.pk])).status_code == 404
    assert active(me) == [watch]
    assert Client().get(page(me)).status_code == 302  # anonymous: to the log-in page


def test_the_person_page_links_to_the_watch_page(family: Any) -> None:
    client = Client()
    client.force_login(family["user"])
    html = client.get(reverse("web:person", args=[family["mother"].pk])).content.decode()
    assert page(family["mother"]) in html
