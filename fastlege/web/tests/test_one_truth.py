"""One truth for the officials (issue 16): the key figures of an area are the same on
the municipality's page, the county governor's page, the national page and the
statistics pages for the same area and day — each dated, each linked to its definition.

The registry below is built so that every figure is different from zero somewhere and
the per-list definitions matter: a list above its ceiling (its residents above the
ceiling are «over listetak», not negative free places), a list without a GP, people
waiting on a list in another municipality than their home (counted with the list),
the unassigned. The expected figures are written out by hand from that construction.
The month is run and the statistics filled; on the day of the run nothing is pending,
so the live figures and the month's statistics must agree.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastlege.accounts.models import Role
from fastlege.monthly.services import run_month
from fastlege.registry.figures import FIGURES
from fastlege.registry.models import WaitingListEntry
from fastlege.registry.tests.factories import ResidentFactory, add_members, gp_list, user_with
from fastlege.stats.services import stats_fill

TRONDHEIM, MALVIK, OSLO = "5001", "5031", "0301"
TRONDELAG = "50"

#: The figures by hand, per area (codes of fastlege.registry.figures / the indicators):
#: Trondheim: A 6 of 10 (closed), B 5 of 3 (2 over), C 2 of 8 without a GP (closed);
#: two residents on A wait for B; three residents on no list.
#: Malvik: D 5 of 5; one resident on D waits for Trondheim's B (counted with B's
#: municipality); one resident on no list. Oslo: E 1 of 4 (closed).
EXPECTED = {
    TRONDHEIM: {
        "lister": 3,
        "lister_uten_lege": 1,
        "listeinnbyggere": 13,
        "ledige_plasser": 4 + 0 + 6,
        "over_listetak": 2,
        "venter_pa_listene": 3,
        "ufordelte": 3,
    },
    MALVIK: {
        "lister": 1,
        "lister_uten_lege": 0,
        "listeinnbyggere": 5,
        "ledige_plasser": 0,
        "over_listetak": 0,
        "venter_pa_listene": 0,
        "ufordelte": 1,
    },
    OSLO: {
        "lister": 1,
        "lister_uten_lege": 0,
        "listeinnbyggere": 1,
        "ledige_plasser": 3,
        "over_listetak": 0,
        "venter_pa_listene": 0,
        "ufordelte": 0,
    },
}
EXPECTED[TRONDELAG] = {
    code: EXPECTED[TRONDHEIM][code] + EXPECTED[MALVIK][code] for code in EXPECTED[TRONDHEIM]
}
EXPECTED["norge"] = {
    code: EXPECTED[TRONDELAG][code] + EXPECTED[OSLO][code] for code in EXPECTED[TRONDHEIM]
}


def _number(text: str) -> int:
    """A number as the pages write it: thousands separated by a (no-break) space."""
    return int(re.sub(r"[\s\u00a0\u202f]", "", text).replace("−", "-"))


def cards(html: str) -> dict[str, int]:
    """The key-figure cards of a registry page (``web/_figures.html``)."""
    return {
        code: _number(value)
        for code, value in re.findall(
            r'data-figure="([a-z_]+)">\s*<p class="figure">([^<]*)</p>', html
        )
    }


def table_row(html: str, area: str) -> dict[str, int]:
    """One area's row of the county or national table, by the column headers' codes."""
    codes = re.findall(r'<th scope="col" class="num"><a href="[^"]*#([a-z_]+)">', html)
    row = re.search(rf'<tr data-area="{area}">(.*?)</tr>', html, re.S)
    assert row is not None, area
    values = re.findall(r'class="num">([^<]*)</td>', row.group(1))
    return {c: _number(v) for c, v in zip(codes, values, strict=True)}


def headlines(html: str) -> dict[str, int]:
    """The key figures of a statistics page (only the ones the registry pages show)."""
    found = re.findall(
        r'<div class="headline" data-figure="([a-z_]+)">.*?<span class="value">([^<]*)</span>',
        html,
        re.S,
    )
    return {code: _number(v) for code, v in found if code in EXPECTED[TRONDHEIM]}


@pytest.fixture
def registry(db):
    a = gp_list(ceiling=10, members=6, is_open=False)
    b = gp_list(ceiling=3, members=5)
    add_members(gp_list(ceiling=8, with_gp=False, is_open=False), 2)
    for person in a.memberships.all()[:2]:
        WaitingListEntry.objects.create(resident=person.resident, agreement=b)
    d = gp_list(ceiling=5, members=5, municipality=MALVIK)
    WaitingListEntry.objects.create(resident=d.memberships.all()[0].resident, agreement=b)
    ResidentFactory.create_batch(3, municipality_id=TRONDHEIM)
    ResidentFactory.create(municipality_id=MALVIK)
    gp_list(ceiling=4, members=1, municipality=OSLO, is_open=False)
    run_month(None, timezone.localdate().replace(day=1))
    stats_fill(None)


def _client(role: str, **scope: object) -> Client:
    c = Client()
    c.force_login(user_with(role, **scope))
    return c


def test_the_key_figures_are_equal_on_every_page_for_the_same_area_and_day(registry):
    national = _client(Role.NATIONAL)
    county = _client(Role.COUNTY_GOVERNOR, county_id=TRONDELAG)
    municipality = _client(Role.MUNICIPALITY, municipality_id=TRONDHEIM)

    def get(client: Client, name: str, *args: str) -> str:
        r = client.get(reverse(name, args=args))
        assert r.status_code == 200, name
        return r.content.decode()

    muni_page = get(municipality, "web:municipality", TRONDHEIM)
    county_page = get(county, "web:county", TRONDELAG)
    national_page = get(national, "web:national")
    stats = {
        TRONDHEIM: get(national, "stats:municipality", TRONDHEIM),
        MALVIK: get(national, "stats:municipality", MALVIK),
        TRONDELAG: get(national, "stats:county", TRONDELAG),
        "norge": get(national, "stats:national"),
    }

    seen = {
        ("kommunens side", TRONDHEIM): cards(muni_page),
        ("fylkets side, kommunens rad", TRONDHEIM): table_row(county_page, TRONDHEIM),
        ("fylkets side, kommunens rad", MALVIK): table_row(county_page, MALVIK),
        ("fylkets side", TRONDELAG): cards(county_page),
        ("den nasjonale siden, fylkets rad", TRONDELAG): table_row(national_page, TRONDELAG),
        ("den nasjonale siden, fylkets rad", "03"): table_row(national_page, "03"),
        ("den nasjonale siden", "norge"): cards(national_page),
        **{("statistikken", area): headlines(html) for area, html in stats.items()},
    }
    expected = {**EXPECTED, "03": EXPECTED[OSLO]}
    for (page, area), figures in seen.items():
        assert figures == expected[area], (page, area)


def test_each_key_figure_says_when_it_was_counted_and_links_to_its_definition(registry):
    today = timezone.localdate()
    html = _client(Role.MUNICIPALITY, municipality_id=TRONDHEIM).get(
        reverse("web:municipality", args=[TRONDHEIM])
    )
    page = html.content.decode()
    definitions = reverse("stats:definitions")
    stamp = f"per {today.day}.{today.month}.{today.year}"
    for f in FIGURES:
        card = re.search(rf'data-figure="{f.code}">(.*?)</div>', page, re.S)
        assert card is not None, f.code
        assert f'href="{definitions}#{f.code}"' in card.group(1), f.code
        assert stamp in card.group(1), f.code
    # the month's statistics say which month they are, and when they were counted
    stats = _client(Role.NATIONAL).get(reverse("stats:municipality", args=[TRONDHEIM]))
    text = stats.content.decode()
    month = timezone.localdate().replace(day=1)
    assert f"telt {month.day}.{month.month}.{month.year}" in text
    # and the definitions page defines every live figure beside its monthly statistic
    defs = _client(Role.NATIONAL).get(definitions).content.decode()
    assert 'id="fra-registeret"' in defs
    for f in FIGURES:
        assert f'id="{f.code}"' in defs and str(f.definition) in defs, f.code


def test_free_places_are_never_negative_and_a_list_above_its_ceiling_says_so(registry):
    page = (
        _client(Role.MUNICIPALITY, municipality_id=TRONDHEIM)
        .get(reverse("web:municipality", args=[TRONDHEIM]))
        .content.decode()
    )
    assert "over listetak: 2" in page  # list B: 5 residents on a ceiling of 3
    assert not re.search(r'class="num">\s*[−-]\d', page)


def test_statistics_before_the_first_fill_say_so(db):
    r = Client().get(reverse("stats:national"))
    assert r.status_code == 200
    assert "Statistikken er ikke fylt ennå" in r.content.decode()
