"""The municipality's pages for § 12: the warning of agreements reaching the age limit,
extending an agreement, and ending one with a reason and notice."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from fastlege.registry.models import AgreementExtension, DoctorPeriod
from fastlege.registry.tests.factories import DoctorFactory, DoctorPeriodFactory, gp_list
from fastlege.web.tests.conftest import World

pytestmark = pytest.mark.django_db

D = datetime.date


def months_ahead(day: datetime.date, months: int, on: int = 1) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return D(index // 12, index % 12 + 1, on)


def list_with_doctor(birth: datetime.date, name: str, municipality: str = "5001") -> Any:
    agreement = gp_list(members=2, with_gp=False, municipality=municipality)
    doctor = DoctorFactory.create(birth_date=birth, first_name=name, last_name="Eldre")
    DoctorPeriodFactory.create(agreement=agreement, doctor=doctor)
    return agreement, doctor


def messages_of(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_overview_warns_of_agreements_reaching_the_age_limit(world: World) -> None:
    today = datetime.date.today()
    turns_70 = months_ahead(today, 3, on=15)
    soon, _ = list_with_doctor(turns_70.replace(year=turns_70.year - 70), "Sigrid")
    extended, doctor = list_with_doctor(D(today.year - 72, 1, 10), "Harald")
    extension_end = months_ahead(today, 5)
    AgreementExtension.objects.create(
        agreement=extended,
        doctor=doctor,
        decided_on=today,
        valid_until=extension_end,
        reason="Mangel på leger",
    )
    later = months_ahead(today, 14, on=15)
    list_with_doctor(later.replace(year=later.year - 70), "Later")
    list_with_doctor(turns_70.replace(year=turns_70.year - 70), "Oslolege", municipality="0301")

    page = world.client("municipality").get(reverse("web:municipality", args=["5001"]))
    html = page.content.decode()
    assert "Avtaler som når aldersgrensen" in html
    rows = [e for e in page.context["o"].age_limit]
    assert [e.period.agreement_id for e in rows] == [soon.pk, extended.pk]
    ends = months_ahead(today, 4)  # the 1st of the month after the 70th birthday
    assert (
        f"Sigrid Eldre fyller 70 år {turns_70:%d.%m.%Y}, og avtalen opphører {ends:%d.%m.%Y}"
        in html
    )
    assert f"Harald Eldre, forlengelsen utløper, og avtalen opphører {extension_end:%d.%m.%Y}" in (
        html
    )
    assert reverse("web:municipality_list", args=["5001", soon.pk]) in html
    panel = html[html.index('data-testid="age-limit"') : html.index('aria-labelledby="vac-h"')]
    assert "Sigrid Eldre" in panel and "Harald Eldre" in panel
    assert "Later Eldre" not in panel and "Oslolege" not in panel


def test_no_warning_when_nobody_reaches_the_limit(world: World) -> None:
    html = world.client("municipality").get(reverse("web:municipality", args=["5001"]))
    assert "Ingen avtaler når aldersgrensen de neste 12 månedene." in html.content.decode()


def test_the_municipality_extends_an_agreement_on_the_list_page(world: World) -> None:
    today = datetime.date.today()
    agreement, doctor = list_with_doctor(D(today.year - 70, today.month, 1), "Ragnhild")
    until = months_ahead(today, 24)
    r = world.client("municipality").post(
        reverse("web:list_action", args=["5001", agreement.pk, "forleng"]),
        {"valid_until": until.isoformat(), "reason": "Kommunen mangler leger"},
        follow=True,
    )
    assert "Forlengelsen av avtalen er registrert" in messages_of(r)
    ext = AgreementExtension.objects.get()
    assert (ext.doctor_id, ext.valid_until) == (doctor.pk, until)
    assert f"forlenget til {until:%d.%m.%Y}" in r.content.decode()


def test_ending_an_agreement_needs_the_reason_and_notice_in_norwegian(world: World) -> None:
    url = reverse("web:list_action", args=["5001", world.open_list.pk, "slutter"])
    today = datetime.date.today()
    end = months_ahead(today, 7)
    client = world.client("municipality")
    r = client.post(
        url, {"end_date": end.isoformat(), "end_reason": "oppsagt_kommune"}, follow=True
    )
    assert "saklig begrunnelse" in messages_of(r)
    r = client.post(
        url,
        {
            "end_date": months_ahead(today, 2).isoformat(),
            "end_reason": "oppsagt_kommune",
            "reason_text": "Legekontoret legges ned",
        },
        follow=True,
    )
    assert "6 måneders varsel" in messages_of(r)
    assert DoctorPeriod.objects.get(agreement=world.open_list).valid_to is None
    r = client.post(
        url,
        {
            "end_date": end.isoformat(),
            "end_reason": "oppsagt_kommune",
            "reason_text": "Legekontoret legges ned",
        },
        follow=True,
    )
    assert "avgang er registrert" in messages_of(r)
    period = DoctorPeriod.objects.get(agreement=world.open_list)
    assert (period.valid_to, period.end_reason_text) == (end, "Legekontoret legges ned")
