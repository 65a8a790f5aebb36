"""The expected wait in the search's rows (issue 20, items 2 and 4): a full list's row
shows the range the GP's page shows for it, computed here from the history the test
writes; a list with free places has no wait; the page reads the histories of its own
rows only, in a bounded number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.registry import waiting_time as wt
from fastlege.registry.models import Agreement
from fastlege.registry.tests.waiting_history import queue, record, steady
from fastlege.web.tests.conftest import World
from fastlege.web.tests.test_find_gp import bulk_lists

pytestmark = pytest.mark.django_db
FIND = reverse("web:find_gp")


def row_of(html: str, agreement: Agreement) -> str:
    """The results table's row that links to the list's GP page."""
    link = reverse("web:gp_page", args=[agreement.pk])
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    return next(r for r in rows if f'href="{link}"' in r)


def wait_text(fragment: str) -> str:
    m = re.search(r'data-testid="expected-wait">(.*?)</p>', fragment, flags=re.S)
    assert m, fragment
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def test_a_full_lists_row_shows_the_wait_its_gp_page_shows(world: World) -> None:
    # 11 places went to the queue in 12 months; two wait, so a newcomer is third.
    # The range is the method's for a newcomer third in line (the method's figures are
    # tested against a simulation in registry/tests/test_waiting_time_model.py); here the
    # row must say what the GP page says.
    history = steady([1] * 11 + [0], agreement_id=world.full_list.pk)
    record(world.full_list, history)
    queue(world.full_list, 2)
    third = wt.estimate(history, 3)
    expected = f"{third.low}–{third.high} måneder"

    html = Client().get(FIND, {"kommune": "5001"}).content.decode()
    in_row = wait_text(row_of(html, world.full_list))
    assert in_row == expected
    gp_page = Client().get(reverse("web:gp_page", args=[world.full_list.pk])).content.decode()
    assert expected in wait_text(gp_page)
    # a list with free places: no wait
    assert "ingen ventetid" in row_of(html, world.free_list)
    assert 'data-testid="expected-wait"' not in row_of(html, world.free_list)
    assert reverse("web:waiting_time_method") in html  # the method, once under the table


def test_a_full_list_without_history_says_unknown_in_its_row(world: World) -> None:
    html = Client().get(FIND, {"kommune": "5001"}).content.decode()
    assert "for kort historikk" in wait_text(row_of(html, world.full_list))


def test_the_wait_of_a_page_costs_the_same_queries_for_5_full_lists_as_for_50(
    django_assert_max_num_queries: Any,
) -> None:
    def make_full() -> None:
        Agreement.objects.filter(municipality_id="5001").update(is_open=False)

    client = Client()
    bulk_lists("5001", 0, 5)
    make_full()
    with django_assert_max_num_queries(30) as few:
        r = client.get(FIND, {"kommune": "5001"})
    assert all(a.wait is not None for a in r.context["results"].object_list)
    bulk_lists("5001", 5, 95)  # 100 lists: a full page of 50, and a second page
    make_full()
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(FIND, {"kommune": "5001"})
    shown = r.context["results"].object_list
    assert len(shown) == 50 and all(a.wait is not None for a in shown)


def test_a_search_where_no_list_takes_new_members_says_so(world: World) -> None:
    html = Client().get(FIND, {"kommune": "5001"}).content.decode()
    assert 'data-testid="none-taking-new"' not in html  # the free list takes new members
    Agreement.objects.filter(municipality_id="5001").update(is_open=False)
    html = world.client("citizen").get(FIND).content.decode()
    assert 'data-testid="none-taking-new"' in html
    assert "Ingen av listene i søket tar imot nye nå." in html
    assert ">Bytt hit<" not in html and "Sett på venteliste" in html
