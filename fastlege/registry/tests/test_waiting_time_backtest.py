"""The back-test of the expected wait (bench/waiting_time_backtest.py) runs on a seeded
history and its counts add up: every estimate is unknown, "no place opened", placed,
left or still waiting; every decided one is inside, below or above its range."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from bench import waiting_time_backtest as backtest
from fastlege.registry.models import WaitingListEntry

pytestmark = pytest.mark.django_db


def test_the_backtest_runs_on_a_small_seeded_history() -> None:
    call_command(
        "seed", "--kommune", "5042", "--kommune", "5046", "--months", "8", stdout=io.StringIO()
    )
    out = io.StringIO()
    figures = backtest.main(["--window", "3", "--min-history", "2"], out=out)
    text = out.getvalue()
    assert "window 3 months" in text and "| alle |" in text
    everyone = figures["alle"]
    assert everyone.estimates > 0
    assert everyone.estimates == (
        everyone.unknown
        + everyone.none_opened
        + everyone.placed
        + everyone.left
        + everyone.still_waiting
    )
    assert everyone.decided == everyone.placed + everyone.still_waiting - everyone.undecided
    assert len(everyone.errors) <= everyone.placed
    assert WaitingListEntry.objects.exists()
