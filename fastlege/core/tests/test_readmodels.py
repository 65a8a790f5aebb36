"""Pausing the read models' triggers for a bulk load (``fastlege.core.readmodels``)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from fastlege.core import readmodels

pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> dict[str, int]:
    return {t.prefix: t.installed(connection) for t in readmodels._REGISTERED}


def complete() -> dict[str, int]:
    return {t.prefix: t.expected(connection) for t in readmodels._REGISTERED}


def test_paused_drops_every_read_model_and_restores_it_at_the_end() -> None:
    assert counts() == complete() and all(complete().values())
    with transaction.atomic(), readmodels.paused(connection):
        assert set(counts().values()) == {0}
    assert counts() == complete()


def test_a_failed_load_rolls_the_triggers_back_with_everything_else() -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic(), readmodels.paused(connection):
        assert set(counts().values()) == {0}
        _ = 1 / 0
    assert counts() == complete()


def test_pausing_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="transaction"), readmodels.paused(connection):
        pass
    assert counts() == complete()
