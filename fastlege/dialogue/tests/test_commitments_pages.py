"""The forum's agreement pages show the statistics' own figures (one truth), hide small
counts in public as the public statistics do, and export the overview.

The expected figures are read from the statistics app's own pages and export — the
national page (its headline figures and the tables behind its charts) and the
national CSV for programs — never computed here."""

from __future__ import annotations

import csv
import datetime
import io
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastlege.dialogue import services
from fastlege.dialogue.services import commitments as svc
from fastlege.dialogue.tests.factories import ministry
from fastlege.stats.indicators import BY_CODE, HEADLINE, INDICATORS, SERIES
from fastlege.stats.models import AreaKind, AreaMonthCount
from fastlege.stats.numbers import num
from fastlege.stats.svg import month_label

pytestmark = pytest.mark.django_db


def month(k: int) -> datetime.date:
    """The 1st of the month ``k`` months before this one."""
    today = timezone.localdate()
    total = today.year * 12 + today.month - 1 - k
    return datetime.date(total // 12, total % 12 + 1, 1)


MONTHS = [month(3), month(2), month(1)]  # the statistics' months, oldest first


def nation(day: datetime.date, step: int, **values: Any) -> AreaMonthCount:
    """A national row of counts that moves a little each month (``step``)."""
    fields: dict[str, Any] = {
        "municipalities": 357,
        "residents": 5_500_000 + 1_000 * step,
        "gps": 5_100 + 7 * step,
        "gps_female": 2_400 + 3 * step,
        "gps_specialist": 3_300 + 5 * step,
        "gps_started": 40 + step,
        "gps_stopped": 31,
        "lists": 5_400 + 2 * step,
        "lists_with_gp": 5_150 + 5 * step,
        "lists_salaried": 700,
        "lists_salaried_with_gp": 650,
        "lists_vacant_over_year": 60 - step,
        "lists_open": 900 + 11 * step,
        "lists_full": 3_000,
        "lists_with_substitute": 410,
        "on_lists": 5_450_000 + 900 * step,
        "on_lists_with_gp": 5_250_000 + 3_100 * step,
        "ceiling_sum": 5_700_000 + 2_000 * step,
        "ceiling_sum_with_gp": 5_480_000,
        "free_places_sum": 310_000 + 500 * step,
        "over_ceiling_sum": 61_000,
        "unassigned": 4_100 - 20 * step,
        "waiting": 12_000 + 30 * step,
        "waiting_on_lists": 11_500,
        "waiting_other_gp_municipality": 800,
        "waiting_other_home_municipality": 600,
        "switches": 21_000,
        "gps_age_sum": 5_100 * 48,
        "agreement_median_days": 3_200 + step,
    }
    fields.update(values)
    return AreaMonthCount.objects.create(month=day, kind=AreaKind.NATION, code="", **fields)


@pytest.fixture
def world() -> dict[str, Any]:
    for step, day in enumerate(MONTHS):
        # the latest month has 3 list residents waiting in another municipality:
        # a small count, hidden in public
        extra = {"waiting_other_home_municipality": 3} if day == MONTHS[-1] else {}
        nation(day, step, **extra)
    hod = ministry()
    forum = services.create_forum(
        hod, name="Trepartssamarbeidet", parties=[("HOD", "HOD"), ("KS", "KS")]
    )
    case = services.open_case(
        hod, forum.pk, title="Rekruttering", indicator_codes=[i.code for i in INDICATORS]
    )
    ks = forum.parties.get(short_name="KS")
    every = svc.create_commitment(
        hod, case.pk, title="Alle indikatorer", owner_id=ks.pk,
        starts_on=MONTHS[1] + datetime.timedelta(days=9),
        indicator_codes=[i.code for i in INDICATORS], published=True,
    )  # fmt: skip
    hidden = svc.create_commitment(
        hod, case.pk, title="Ikke publisert avtale", owner_id=ks.pk, starts_on=MONTHS[0],
        indicator_codes=["venteliste_annen_bostedskommune"],
    )  # fmt: skip
    return {"hod": hod, "forum": forum, "case": case, "every": every, "hidden": hidden}


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def chart_table(html: str, code: str) -> dict[str, str]:
    """The figures of the chart ``graf-<code>``: month label → figure as shown."""
    figure = re.search(rf'<figure class="chart-figure" id="graf-{code}">(.*?)</figure>', html, re.S)
    assert figure is not None, f"no chart for {code}"
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td></tr>', figure.group(1)
    )
    return {unescape(m): unescape(v) for m, v in rows}


def statistics_export(client: Client) -> dict[tuple[str, str], str]:
    """(indicator, month label) → the figure as the statistics' national CSV gives it,
    written as the pages write figures."""
    response = client.get(reverse("stats:export") + "?omrade=nasjon&format=csv-maskin")
    assert response.status_code == 200
    out = {}
    for row in csv.DictReader(io.StringIO(response.content.decode())):
        year, mon = (int(p) for p in row["maned"].split("-"))
        label = month_label(datetime.date(year, mon, 1), long=True)
        for i in INDICATORS:
            raw = row[i.code]
            shown = "–" if raw == "" else raw if raw == ":" else num(float(raw), i.decimals)
            out[(i.code, label)] = shown
    return out


def headline(html: str, code: str) -> str:
    found = re.search(rf'data-figure="{code}">.*?<span class="value">([^<]*)</span>', html, re.S)
    assert found is not None, code
    return unescape(found.group(1))


@pytest.mark.parametrize("who", ["ministry", "public"])
def test_the_forum_shows_the_statistics_figures_for_every_indicator(world, who):
    """For each indicator a case or agreement can refer to, every monthly figure on the
    agreement's page equals the statistics' for the same area (the nation) and month:
    the national export for all of them, the national page's chart tables and headline
    figures for those it shows. Public: both hide the same figures."""
    client = client_for(world["hod"] if who == "ministry" else None)
    expected = statistics_export(client)
    stats_page = client.get(reverse("stats:national")).content.decode()
    page = client.get(reverse("dialogue:commitment", args=[world["every"].pk])).content.decode()
    overview = client.get(
        reverse("dialogue:commitments", args=[world["forum"].pk])
    ).content.decode()
    latest = month_label(MONTHS[-1], long=True)
    for indicator in INDICATORS:
        code = indicator.code
        shown = chart_table(page, code)
        assert list(shown) == [month_label(m, long=True) for m in MONTHS], code
        for label, figure in shown.items():
            assert figure == expected[(code, label)], (code, label)
        if code in SERIES:
            assert shown == chart_table(stats_page, code), code
        item = re.search(
            rf'<li data-indicator="{code}">.*?<span class="value">([^<]*)</span>', overview, re.S
        )
        assert item is not None, code
        assert unescape(item.group(1)) == expected[(code, latest)], code
        if code in HEADLINE:
            assert unescape(item.group(1)) == headline(stats_page, code), code
        # the name is the statistics' Norwegian name, never the key
        assert str(indicator.name) in text(page)
    hidden = expected[("venteliste_annen_bostedskommune", latest)]
    assert hidden == (":" if who == "public" else "3")
    if who == "ministry":  # the case page too
        case_page = client.get(reverse("dialogue:case", args=[world["case"].pk])).content.decode()
        for code in HEADLINE:
            item = re.search(
                rf'<li data-indicator="{code}">.*?<span class="value">([^<]*)</span>',
                case_page,
                re.S,
            )
            assert item is not None and unescape(item.group(1)) == headline(stats_page, code)


def test_the_change_since_the_agreement_is_the_difference_of_the_shown_figures(world):
    page = client_for(world["hod"]).get(reverse("dialogue:commitments", args=[world["forum"].pk]))
    html = page.content.decode()
    # listeinnbyggere: agreed in the second month; 5 450 900 then 5 451 800
    item = re.search(r'<li data-indicator="listeinnbyggere">(.*?)</li>', html, re.S)
    assert item is not None
    since = month_label(MONTHS[1]).replace(".", r"\.")
    assert re.search(rf"\(\+900 siden {since}\)", text(item.group(1))), text(item.group(1))
    # lister uten fast lege: 250, 247, 244 → −3, fewer is better
    item = re.search(r'<li data-indicator="lister_uten_lege">(.*?)</li>', html, re.S)
    assert item is not None and "−3" in text(item.group(1)) and "bedre" in text(item.group(1))


def test_the_public_reads_only_published_agreements(world):
    public = client_for(None)
    overview = public.get(reverse("dialogue:commitments", args=[world["forum"].pk]))
    assert overview.status_code == 200
    html = overview.content.decode()
    assert "Alle indikatorer" in html and "Ikke publisert avtale" not in html
    assert 'action="' not in html.split("<main", 1)[-1].split("</main>")[0]  # no forms
    hidden = reverse("dialogue:commitment", args=[world["hidden"].pk])
    assert public.get(hidden).status_code == 404
    exported = public.get(
        reverse("dialogue:commitments", args=[world["forum"].pk]) + "?format=csv-maskin"
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert {r["avtale"] for r in rows} == {"Alle indikatorer"}
    assert [r["indikator"] for r in rows] == [i.code for i in INDICATORS]
    small = next(r for r in rows if r["indikator"] == "venteliste_annen_bostedskommune")
    assert (small["verdi"], small["maned"]) == (":", MONTHS[-1].strftime("%Y-%m"))
    # the ministry sees both, the figures unsuppressed, and the forms
    hod = client_for(world["hod"])
    html = hod.get(reverse("dialogue:commitments", args=[world["forum"].pk])).content.decode()
    assert "Ikke publisert avtale" in html
    assert hod.get(hidden).status_code == 200
    rows = list(
        csv.DictReader(
            io.StringIO(
                hod.get(
                    reverse("dialogue:commitments", args=[world["forum"].pk]) + "?format=csv-maskin"
                ).content.decode()
            )
        )
    )
    small = next(
        r
        for r in rows
        if r["indikator"] == "venteliste_annen_bostedskommune" and r["avtale"] == "Alle indikatorer"
    )
    assert small["verdi"] == "3"
    assert BY_CODE["venteliste_annen_bostedskommune"].suppress_on  # a count of people


def test_indicator_choice_shows_the_statistics_names_not_keys(world):
    hod = client_for(world["hod"])
    for url in (
        reverse("dialogue:forum", args=[world["forum"].pk]),
        reverse("dialogue:commitment_create", args=[world["forum"].pk]),
    ):
        html = hod.get(url).content.decode()
        visible = text(html)
        for i in INDICATORS:
            assert f'value="{i.code}"' in html
            assert str(i.name) in visible
            if "_" in i.code:
                assert i.code not in visible, (url, i.code)


def test_the_demo_forum_has_labelled_agreements_with_milestones_history_and_indicators():
    from django.core.management import call_command

    from fastlege.dialogue.demo_commitments import LABEL
    from fastlege.dialogue.models import Commitment, Forum

    call_command("dialogue_demo")
    forum = Forum.objects.get()
    agreements = list(Commitment.objects.filter(forum=forum))
    assert len(agreements) == 4
    assert sum(c.published for c in agreements) == 3
    for c in agreements:
        assert LABEL in c.description and c.decision is not None and LABEL in c.decision.text
        assert c.milestones.exists() and c.indicators.exists()
        assert c.history.count() >= 2 and c.progress == c.history.order_by("-id")[0].percent
        assert all(code in BY_CODE for code in c.indicators.values_list("code", flat=True))
    public = client_for(None).get(reverse("dialogue:commitments", args=[forum.pk]))
    assert public.status_code == 200
    assert public.content.decode().count("data-commitment=") == 3
    staff = client_for(ministry()).get(reverse("dialogue:commitments", args=[forum.pk]))
    assert staff.content.decode().count("data-commitment=") == 4
    for c in agreements:
        page = client_for(None).get(reverse("dialogue:commitment", args=[c.pk]))
        assert page.status_code == (200 if c.published else 404)
