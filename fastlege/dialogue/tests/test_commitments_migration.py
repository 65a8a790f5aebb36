"""Migration dialogue 0006 recodes the forum's old indicator codes to the statistics
app's codes (and back), keeping each indicator once per case."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from fastlege.dialogue import services
from fastlege.dialogue.models import CaseIndicator
from fastlege.dialogue.tests.factories import ministry
from fastlege.stats.indicators import BY_CODE

pytestmark = pytest.mark.django_db
migration = import_module("fastlege.dialogue.migrations.0009_commitments")


def codes(case) -> list[str]:
    return sorted(case.indicators.values_list("code", flat=True))


def test_old_codes_become_the_statistics_codes_and_back():
    hod = ministry()
    forum = services.create_forum(hod, name="Trepartssamarbeidet", parties=[("HOD", "HOD")])
    recruit = services.open_case(hod, forum.pk, title="Rekruttering")
    tasks = services.open_case(hod, forum.pk, title="Oppgaver")
    finance = services.open_case(
        hod, forum.pk, title="Finansiering", indicator_codes=["listelengde"]
    )
    # rows as the forum stored them before (the services no longer accept these codes)
    CaseIndicator.objects.bulk_create(
        [
            CaseIndicator(case=recruit, code="andel_liste_uten_lege"),
            CaseIndicator(case=tasks, code="gjennomsnittlig_listelengde"),
            CaseIndicator(case=tasks, code="reservekapasitet"),
            # already has the new code too: kept once
            CaseIndicator(case=finance, code="gjennomsnittlig_listelengde"),
        ]
    )
    migration.to_stats_codes(apps, None)
    assert codes(recruit) == ["andel_uten_lege"]
    assert codes(tasks) == ["listelengde", "reservekapasitet"]
    assert codes(finance) == ["listelengde"]
    assert all(code in BY_CODE for code in CaseIndicator.objects.values_list("code", flat=True))
    assert recruit.indicators.get().label == "Andel listeinnbyggere uten fast lege"
    migration.to_stats_codes(apps, None)  # a second run changes nothing
    assert codes(tasks) == ["listelengde", "reservekapasitet"]
    migration.to_old_codes(apps, None)
    assert codes(recruit) == ["andel_liste_uten_lege"]
    assert codes(tasks) == ["gjennomsnittlig_listelengde", "reservekapasitet"]


def test_every_old_code_maps_to_a_statistics_indicator():
    assert set(migration.OLD_TO_STATS) == {
        "andel_liste_uten_lege",
        "gjennomsnittlig_listelengde",
        "reservekapasitet",
    }
    assert all(new in BY_CODE for new in migration.OLD_TO_STATS.values())
