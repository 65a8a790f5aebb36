"""The forms behind the pages: demand lists and answers, proposals, editing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.measures.models import Demand, DemandList
from fastlege.measures.tests.factories import TRONDHEIM, measure, mtype

pytestmark = pytest.mark.django_db


def officer(users) -> Client:
    c = Client()
    c.force_login(users["municipality"])
    return c


def test_the_officer_registers_a_demand_list_and_answers_a_demand(users):
    client = officer(users)
    r = client.post(
        reverse("measures:demands_new", args=[TRONDHEIM]),
        {
            "title": "Fastlegeopprørets krav",
            "submitted_by": "Fastlegene i Trondheim",
            "demands": (
                "• Kommunalt tilskudd til drift av legesentrene\n\n"
                "• Tilskudd til kompetanseheving\n"
            ),
        },
    )
    assert r.status_code == 302
    assert r["Location"] == reverse("measures:municipality", args=[TRONDHEIM])
    dl = DemandList.objects.get()
    assert [d.text for d in dl.demands.order_by("position")] == [
        "Kommunalt tilskudd til drift av legesentrene",
        "Tilskudd til kompetanseheving",
    ]
    own = measure(TRONDHEIM, "driftstilskudd", value=100_000)
    first = dl.demands.get(position=1)
    page = client.get(reverse("measures:municipality", args=[TRONDHEIM])).content.decode()
    assert reverse("measures:demand_answer", args=[first.pk]) in page
    form = client.get(reverse("measures:demand_answer", args=[first.pk]))
    assert form.status_code == 200 and 'id="id_measure_type"' in form.content.decode()
    r = client.post(
        reverse("measures:demand_answer", args=[first.pk]),
        {
            "status": "innfridd",
            "measure_type": str(mtype("driftstilskudd").pk),
            "measure": str(own.pk),
            "answer": "Vedtatt i kommunestyret.",
        },
    )
    assert r.status_code == 302  # back to the municipality, at the answered demand
    assert r["Location"] == (
        reverse("measures:municipality", args=[TRONDHEIM]) + f"#krav-{first.pk}"
    )
    first = Demand.objects.get(pk=first.pk)
    assert (first.status, first.measure_type, first.measure) == (
        "innfridd",
        mtype("driftstilskudd"),
        own,
    )


def test_an_answer_with_an_unknown_choice_changes_nothing(users):
    client = officer(users)
    client.post(
        reverse("measures:demands_new", args=[TRONDHEIM]),
        {"title": "Krav", "submitted_by": "Legene", "demands": "Mindre lister"},
    )
    demand = Demand.objects.get()
    r = client.post(
        reverse("measures:demand_answer", args=[demand.pk]),
        {"status": "innfridd", "measure": "999999"},
        follow=True,
    )
    assert "Velg et gyldig valg" in r.content.decode()
    demand.refresh_from_db()
    assert demand.status == "ikke_besvart"


def test_the_edit_form_is_filled_in_and_saves_a_change(users):
    m = measure(TRONDHEIM, "driftstilskudd", value=100_000)
    client = officer(users)
    r = client.get(reverse("measures:measure_edit", args=[m.pk]))
    assert r.context["form"].initial["value"] == Decimal(100_000)
    r = client.post(
        reverse("measures:measure_edit", args=[m.pk]),
        {
            "measure_type": mtype("driftstilskudd").pk,
            "status": "vedtatt",
            "value": "110000",
            "value_basis": "per_lege",
            "target_group": "alle_fastleger",
            "decision_body": "Bystyret",
            "decided_on": "2026-02-12",
        },
    )
    assert r.status_code == 302
    assert r["Location"] == reverse("measures:measure", args=[m.pk])
    m.refresh_from_db()
    assert (m.status, m.value, m.decision_body) == ("vedtatt", Decimal(110_000), "Bystyret")


def test_a_refused_save_shows_the_norwegian_reason_and_keeps_the_old_values(users):
    m = measure(TRONDHEIM, "driftstilskudd", value=100_000)
    r = officer(users).post(
        reverse("measures:measure_edit", args=[m.pk]),
        {
            "measure_type": mtype("driftstilskudd").pk,
            "status": "aktiv",
            "value": "1",
            "value_basis": "per_lege",
            "target_group": "alle_fastleger",
        },
    )
    assert r.status_code == 200
    assert "trenger vedtaksorgan og vedtaksdato" in r.content.decode()
    m.refresh_from_db()
    assert m.value == Decimal(100_000)
