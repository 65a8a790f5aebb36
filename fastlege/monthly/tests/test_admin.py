"""A national administrator starts the monthly run from the admin; nobody else can."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.monthly.models import MonthRun
from fastlege.monthly.tests.world import MONTH, current_list, unassigned
from fastlege.registry.tests.factories import gp_list, user_with

pytestmark = pytest.mark.django_db
RUN_URL = "admin:monthly_monthrun_run"


def staff(role: str, **scope: object):
    user = user_with(role, **scope)
    user.is_staff = True
    user.save()
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="monthly"))
    return user


def test_a_national_administrator_runs_a_month_from_the_admin(client: Client) -> None:
    national = staff(Role.NATIONAL)
    client.force_login(national)
    target = gp_list(ceiling=3, members=1)
    person = unassigned()

    page = client.get(reverse("admin:monthly_monthrun_changelist"))
    assert reverse(RUN_URL) in page.content.decode()
    response = client.post(reverse(RUN_URL), {"month": "2026-02"}, follow=True)

    assert response.status_code == 200
    run = MonthRun.objects.get(month=MONTH)
    assert run.source == MonthRun.Source.ADMIN and run.started_by == national
    assert current_list(person) == target.pk
    assert "Månedskjøring 2026-02 ferdig" in response.content.decode()

    again = client.post(reverse(RUN_URL), {"month": "2026-02"}, follow=True)
    assert "allerede kjørt" in again.content.decode()
    assert MonthRun.objects.count() == 1


def test_a_bad_month_in_the_admin_gives_a_norwegian_error_and_runs_nothing(client: Client) -> None:
    client.force_login(staff(Role.NATIONAL))
    response = client.post(reverse(RUN_URL), {"month": "2026-13"})
    assert response.status_code == 200
    assert "ÅÅÅÅ-MM" in response.content.decode()
    assert not MonthRun.objects.exists()


def test_a_municipal_user_cannot_start_a_run(client: Client) -> None:
    client.force_login(staff(Role.MUNICIPALITY, municipality_id="5001"))
    assert client.get(reverse(RUN_URL)).status_code == 403
    assert client.post(reverse(RUN_URL), {"month": "2026-02"}).status_code == 403
    assert not MonthRun.objects.exists()
    page = client.get(reverse("admin:monthly_monthrun_changelist"))
    assert reverse(RUN_URL) not in page.content.decode()
