"""The monthly pass (``notify_watchers``): exactly the watchers of lists that opened are
told, once, in Meldinger on the watch page and by one e-mail per address after commit
(or in their digest, or not, as each chose under Varsler)."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.core.errors import DomainError
from fastlege.monthly.models import ListMonthSnapshot, MonthRun
from fastlege.monthly.services import run_month
from fastlege.monthly.services.scheduled import run_due
from fastlege.notices.digests import send_digests
from fastlege.notices.models import Frequency, Kind, NoticePreference
from fastlege.registry.models import Agreement, Doctor, Resident
from fastlege.registry.tests.factories import ResidentFactory, gp_list, member, user_with
from fastlege.watches import services
from fastlege.watches.models import Watch, WatchNotice

pytestmark = pytest.mark.django_db
D = datetime.date
JAN, FEB = D(2026, 1, 1), D(2026, 2, 1)


def a_run(month: D) -> MonthRun:
    """A completed run; it ends after the watches the tests make (an hour from now)."""
    later = timezone.now() + datetime.timedelta(hours=1)
    return MonthRun.objects.create(month=month, finished_at=later)


def snapshot(run: MonthRun, agreement: Agreement, length: int, **kw: Any) -> None:
    """The month's picture of a list, as step 8 of the run writes it."""
    values: dict[str, Any] = {
        "ceiling": agreement.ceiling,
        "is_open": True,
        "locked_by_hand": False,
        "regular_gp_sex": "K",
        "regular_gp_specialty": Doctor.Specialty.SPECIALIST,
        **kw,
    }
    ListMonthSnapshot.objects.create(
        run=run,
        month=run.month,
        agreement=agreement,
        municipality_id=agreement.municipality_id,
        practice_id=agreement.practice_id,
        length=length,
        has_regular_gp=True,
        agreement_valid_from=agreement.valid_from,
        **values,
    )


# What each list looked like (ceiling 10), in January and February, and its GP in February.
LISTS: dict[str, dict[str, Any]] = {
    "opened": {"jan": 10, "feb": 9},  # full in January, a free place in February
    "stayed_free": {"jan": 8, "feb": 8},  # free both months: no news
    "still_full": {"jan": 10, "feb": 10},
    "new_list": {"jan": None, "feb": 3},  # no January picture: a new list with places
    "locked": {"jan": 10, "feb": 5, "feb_kw": {"locked_by_hand": True}},
    "status_closed": {"jan": 10, "feb": 5, "feb_kw": {"is_open": False}},
    "over": {"jan": 12, "feb": 11},  # above its ceiling both months
    "man_opened": {"jan": 10, "feb": 7, "feb_kw": {"regular_gp_sex": "M"}},
    "alis_opened": {"jan": 10, "feb": 9, "feb_kw": {"regular_gp_specialty": "alis"}},
    "oslo_opened": {"jan": 10, "feb": 8, "muni": "0301"},
    "reopened": {"jan": 10, "feb": 9, "jan_kw": {"is_open": False}},  # opened by status
}


def opens(name: str) -> bool:
    """The rule, written out for the test: takes new and has a free place in February,
    and did not in January."""
    spec = LISTS[name]

    def takes(length: int | None, kw: dict[str, Any]) -> bool:
        if length is None:
            return False
        return kw.get("is_open", True) and not kw.get("locked_by_hand", False) and length < 10

    return takes(spec["feb"], spec.get("feb_kw", {})) and not takes(
        spec["jan"], spec.get("jan_kw", {})
    )


@pytest.fixture
def world() -> dict[str, Any]:
    jan, feb = a_run(JAN), a_run(FEB)
    lists = {}
    for name, spec in LISTS.items():
        agreement = gp_list(ceiling=10, municipality=spec.get("muni", "5001"), with_gp=False)
        lists[name] = agreement
        if spec["jan"] is not None:
            snapshot(jan, agreement, spec["jan"], **spec.get("jan_kw", {}))
        snapshot(feb, agreement, spec["feb"], **spec.get("feb_kw", {}))
    return {"lists": lists, "feb": feb}


def citizen(email: str = "") -> tuple[Resident, Any]:
    person = ResidentFactory.create()
    user = user_with(Role.CITIZEN, resident=person)
    user.email = email
    user.save()
    return person, user


def notices() -> set[tuple[int, int]]:
    return set(WatchNotice.objects.filter(month=FEB).values_list("watch_id", "agreement_id"))


def test_exactly_the_watchers_of_lists_that_opened_are_told(world: dict[str, Any]) -> None:
    lists = world["lists"]
    expected: set[tuple[int, int]] = set()
    for i, name in enumerate(LISTS):
        person, user = citizen()
        watch = services.watch_list(user, person, lists[name])
        if opens(name):
            expected.add((watch.pk, lists[name].pk))
        if i % 2:  # a second watcher of the same list
            other, other_user = citizen()
            second = services.watch_list(other_user, other, lists[name])
            if opens(name):
                expected.add((second.pk, lists[name].pk))

    result = services.notify_watchers(FEB)

    assert {lists[n].pk for n in LISTS if opens(n)} == {
        lists[n].pk
        for n in ("opened", "new_list", "man_opened", "alis_opened", "oslo_opened", "reopened")
    }
    assert notices() == expected
    assert result.notices == len(expected)
    assert result.opened == sum(opens(n) for n in LISTS)
    feb_free = dict(
        ListMonthSnapshot.objects.filter(month=FEB).values_list("agreement_id", "length")
    )
    for notice in WatchNotice.objects.all():
        assert notice.free_places == 10 - feb_free[notice.agreement_id]
        assert notice.resident_id == Watch.objects.get(pk=notice.watch_id).resident_id


def test_a_search_matches_by_municipality_and_the_gps_sex_and_specialist_status(
    world: dict[str, Any],
) -> None:
    lists = world["lists"]
    person, user = citizen()
    searches = {
        "any_trondheim": ("5001", {}),
        "woman_trondheim": ("5001", {"sex": "K"}),
        "man_trondheim": ("5001", {"sex": "M"}),
        "alis_woman": ("5001", {"sex": "K", "specialty": "alis"}),
        "oslo": ("0301", {}),
        "bergen": ("4601", {}),
    }
    watch = {k: services.watch_search(user, person, m, f).pk for k, (m, f) in searches.items()}

    services.notify_watchers(FEB)

    def sex(n: str) -> str:
        return LISTS[n].get("feb_kw", {}).get("regular_gp_sex", "K")

    def specialty(n: str) -> str:
        return LISTS[n].get("feb_kw", {}).get("regular_gp_specialty", "spesialist")

    def muni(n: str) -> str:
        return LISTS[n].get("muni", "5001")

    expected = set()
    for key, (m, f) in searches.items():
        for n in LISTS:
            if (
                opens(n)
                and muni(n) == m
                and f.get("sex", sex(n)) == sex(n)
                and f.get("specialty", specialty(n)) == specialty(n)
            ):
                expected.add((watch[key], lists[n].pk))
    assert notices() == expected
    by_watch = {w: {a for ww, a in expected if ww == w} for w in watch.values()}
    assert by_watch[watch["man_trondheim"]] == {lists["man_opened"].pk}
    assert by_watch[watch["alis_woman"]] == {lists["alis_opened"].pk}
    assert by_watch[watch["oslo"]] == {lists["oslo_opened"].pk}
    assert by_watch[watch["bergen"]] == set()


def test_stopped_watches_and_watches_begun_after_the_run_are_not_told(
    world: dict[str, Any],
) -> None:
    opened = world["lists"]["opened"]
    person, user = citizen()
    stopped = services.watch_list(user, person, opened)
    services.stop_watching(user, person, stopped.pk)
    late = services.watch_list(user, person, opened)
    Watch.objects.filter(pk=late.pk).update(
        created_at=world["feb"].finished_at + datetime.timedelta(seconds=1)
    )

    assert services.notify_watchers(FEB).notices == 0
    assert notices() == set()


def test_one_email_per_address_after_commit_without_personal_data_and_never_twice(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    lists = world["lists"]
    with_mail, user = citizen("ingrid@example.no")
    services.watch_list(user, with_mail, lists["opened"])
    services.watch_list(user, with_mail, lists["new_list"])
    services.watch_search(user, with_mail, "5001")
    without, quiet = citizen("")
    services.watch_list(quiet, without, lists["opened"])
    unmoved, far = citizen("kari@example.no")
    services.watch_list(far, unmoved, lists["still_full"])

    with django_capture_on_commit_callbacks(execute=False) as pending:
        first = services.notify_watchers(FEB)
    assert mail.outbox == []  # nothing before commit
    for callback in pending:
        callback()

    assert first.emails == 1
    assert [(m.to, m.bcc) for m in mail.outbox] == [(["ingrid@example.no"], [])]
    assert "/varsler/avmeld/" in mail.outbox[0].extra_headers["List-Unsubscribe"]
    body = f"{mail.outbox[0].subject}\n{mail.outbox[0].body}"
    for private in (with_mail.first_name, with_mail.last_name, lists["opened"].practice.name):
        assert private not in body
    assert "Logg inn" in body and "holder ingen plass" in body
    emailed = WatchNotice.objects.filter(emailed_at__isnull=False)
    assert set(emailed.values_list("resident_id", flat=True)) == {with_mail.pk}
    before = notices()

    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify_watchers(FEB)
    assert (again.notices, again.emails) == (0, 0)
    assert notices() == before
    assert len(mail.outbox) == 1


def test_only_the_system_or_national_staff_run_it_and_only_after_the_month(
    world: dict[str, Any],
) -> None:
    person, user = citizen()
    with pytest.raises(DomainError) as not_allowed:
        services.notify_watchers(FEB, actor=user)
    assert not_allowed.value.code == "not_authorised"
    with pytest.raises(DomainError) as not_run:
        services.notify_watchers(D(2026, 3, 1))
    assert not_run.value.code == "month_not_run"


def test_the_command_reports_and_refuses_a_month_not_run(world: dict[str, Any]) -> None:
    person, user = citizen()
    services.watch_list(user, person, world["lists"]["opened"])
    out = StringIO()
    call_command("notify_watchers", "--month", "2026-02", stdout=out)
    assert "2026-02: 6 lister fikk ledig plass, 1 nye meldinger" in out.getvalue()
    with pytest.raises(CommandError, match="ikke fullført"):
        call_command("notify_watchers", "--month", "2026-03")


def test_the_scheduled_run_tells_watchers_after_each_month() -> None:
    """The real monthly update: a full list gets a higher ceiling; after the next month's
    run its watcher has a notice."""
    full = gp_list(ceiling=3, members=3)
    watcher = member(gp_list(ceiling=50, members=1))
    user = user_with(Role.CITIZEN, resident=watcher)
    run_month(None, JAN, today=JAN)
    services.watch_list(user, watcher, full)
    Agreement.objects.filter(pk=full.pk).update(ceiling=5)

    run_due(D(2026, 2, 2))

    assert list(WatchNotice.objects.values_list("resident_id", "agreement_id", "month")) == [
        (watcher.pk, full.pk, FEB)
    ]
    assert WatchNotice.objects.get().free_places == 2


def test_every_address_gets_the_notice_once_as_each_chose(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Through ``notices``: one message per address (each with its own unsubscribe
    link), at once by default; a user who chose the daily digest gets it next morning,
    one who chose none gets nothing by e-mail (the notice is on the page all the same)."""
    addresses = [f"person{i}@example.no" for i in range(5)]
    users = []
    for address in addresses:
        person, user = citizen(address)
        services.watch_list(user, person, world["lists"]["opened"])
        services.watch_search(user, person, "5001")  # two notices, one e-mail
        users.append(user)
    NoticePreference.objects.create(
        user=users[3], kind=Kind.PLACE_OPENED, frequency=Frequency.DAILY
    )
    NoticePreference.objects.create(user=users[4], kind=Kind.PLACE_OPENED, frequency=Frequency.NONE)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.notify_watchers(FEB)

    assert result.emails == 4  # told: three at once, one queued for the digest
    assert sorted(m.to[0] for m in mail.outbox) == addresses[:3]
    assert all(m.bcc == [] and "List-Unsubscribe" in m.extra_headers for m in mail.outbox)
    send_digests(now=timezone.now() + datetime.timedelta(days=1, hours=1))
    assert sorted(m.to[0] for m in mail.outbox) == addresses[:4]
