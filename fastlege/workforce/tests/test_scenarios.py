"""Scenarios: presets read only, copy and edit, range validation (nothing saved on
error), audit rows, and the pages behind them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from fastlege.core.models import AuditEvent
from fastlege.workforce import selectors, services
from fastlege.workforce.models import Scenario
from fastlege.workforce.presets import sync_presets
from fastlege.workforce.services.errors import ScenarioInvalid, WorkforceError
from fastlege.workforce.services.scenarios import ScenarioData

pytestmark = pytest.mark.django_db


def preset(key: str = "som_i_dag") -> Scenario:
    return Scenario.objects.get(preset=key)


def test_the_five_presets_exist_and_sync_is_idempotent():
    assert sorted(Scenario.objects.exclude(preset="").values_list("name", flat=True)) == [
        "Flere ALIS",
        "Høy befolkningsvekst",
        "Lav befolkningsvekst",
        "Mindre lister",
        "Som i dag",
    ]
    assert sync_presets(Scenario) == 0
    assert preset("mindre_lister").target_list_length < preset().target_list_length
    assert preset("flere_alis").alis_completions_per_100 > preset().alis_completions_per_100
    assert preset().recruitment_rate is None  # measured from the registry


def test_a_planner_copies_a_preset_and_edits_the_copy(users):
    officer = users["municipality"]
    copy = services.copy_scenario(officer, preset().pk)
    assert copy.name == "Kopi av Som i dag"
    assert copy.created_by == officer and copy.municipality_id == "5001"
    assert copy.target_list_length == preset().target_list_length
    data = ScenarioData.of(copy)
    data.name = "Trondheim 2030"
    data.target_list_length = "850"
    data.listing_rate = "0,99"
    services.update_scenario(officer, copy.pk, data)
    copy.refresh_from_db()
    assert (copy.name, copy.target_list_length, copy.listing_rate) == (
        "Trondheim 2030",
        850,
        Decimal("0.990"),
    )
    actions = list(
        AuditEvent.objects.filter(object_id=str(copy.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["workforce.scenario_copy", "workforce.scenario_update"]


def test_presets_are_read_only(users):
    data = ScenarioData.of(preset())
    data.target_list_length = 700
    with pytest.raises(WorkforceError) as exc:
        services.update_scenario(users["national"], preset().pk, data)
    assert exc.value.code == "preset_read_only"
    assert preset().target_list_length == 946


def test_the_county_reads_a_scenario_only_its_author_edits(users):
    copy = services.copy_scenario(users["municipality"], preset().pk)  # Trondheim's
    with pytest.raises(WorkforceError) as exc:  # Melhus, same county: reads, not edits
        services.update_scenario(users["other_municipality"], copy.pk, ScenarioData.of(copy))
    assert exc.value.code == "not_owner"
    theirs = services.copy_scenario(users["other_municipality"], copy.pk)
    assert theirs.copied_from == copy and theirs.created_by == users["other_municipality"]
    with pytest.raises(WorkforceError) as exc:  # Oslo, another county: not even visible
        services.copy_scenario(users["oslo_municipality"], copy.pk)
    assert exc.value.code == "unknown_scenario"


def test_citizens_cannot_make_scenarios(users):
    with pytest.raises(WorkforceError) as exc:
        services.create_scenario(users["citizen"], ScenarioData.defaults("Mitt"))
    assert exc.value.code == "not_authorised"
    assert not Scenario.objects.filter(preset="").exists()


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("target_list_length", "200", "Må være mellom 300 og 2\u00a0500."),
        ("target_list_length", "950,5", "Skriv et helt tall."),
        ("listing_rate", "1,2", "Må være mellom 0,900 og 1,050."),
        ("attrition_under_40", "-0,01", "Må være mellom 0 og 0,300."),
        ("attrition_65_plus", "abc", "Skriv et tall."),
        ("share_extended", "1,5", "Må være mellom 0 og 1."),
        ("extension_years", "11", "Må være mellom 0 og 10."),
        ("recruitment_rate", "0,5", "Må være mellom 0 og 0,300."),
        ("alis_completions_per_100", "25", "Må være mellom 0 og 20."),
        ("fte_per_gp", "0,2", "Må være mellom 0,50 og 1,50."),
        ("listing_rate", "0,9999", "Høyst 3 desimaler."),
    ],
)
def test_figures_outside_their_range_are_refused_and_nothing_saved(users, field, bad, message):
    officer = users["municipality"]
    copy = services.copy_scenario(officer, preset().pk)
    before = {f.name: getattr(copy, f.name) for f in Scenario._meta.fields}
    data = ScenarioData.of(copy)
    data.name = "Endret navn"
    setattr(data, field, bad)
    with pytest.raises(ScenarioInvalid) as exc:
        services.update_scenario(officer, copy.pk, data)
    assert exc.value.field_errors == {field: message}
    copy.refresh_from_db()
    assert {f.name: getattr(copy, f.name) for f in Scenario._meta.fields} == before
    assert not AuditEvent.objects.filter(action="workforce.scenario_update").exists()


def test_every_bad_field_is_reported_at_once(users):
    data = ScenarioData.defaults("")
    data.target_list_length = "10"
    data.population_variant = "eksplosjon"
    with pytest.raises(ScenarioInvalid) as exc:
        services.create_scenario(users["county_governor"], data)
    assert set(exc.value.field_errors) == {"name", "target_list_length", "population_variant"}
    assert not Scenario.objects.filter(preset="").exists()


def test_an_empty_recruitment_rate_means_measured(users):
    data = ScenarioData.defaults("Målt")
    data.recruitment_rate = ""
    s = services.create_scenario(users["county_governor"], data)
    assert s.recruitment_rate is None and s.county_id == "50"


# --- the pages ----------------------------------------------------------------------


def test_copy_and_edit_through_the_pages(users):
    c = Client()
    c.force_login(users["municipality"])
    r = c.post(reverse("workforce:scenario_copy", args=[preset("mindre_lister").pk]))
    copy = Scenario.objects.get(preset="", created_by=users["municipality"])
    assert r["Location"] == reverse("workforce:scenario_edit", args=[copy.pk])
    form = c.get(r["Location"]).content.decode()
    assert 'value="800"' in form
    post = {
        "name": "Mindre lister i Trondheim",
        "description": "",
        "population_variant": "trend",
        "target_list_length": "2600",
        "listing_rate": "1,000",
        "attrition_under_40": "0,060",
        "attrition_40_54": "0,040",
        "attrition_55_64": "0,050",
        "attrition_65_plus": "0,120",
        "share_extended": "0,10",
        "extension_years": "3",
        "recruitment_rate": "",
        "alis_completions_per_100": "0",
        "fte_per_gp": "1",
    }
    r = c.post(reverse("workforce:scenario_edit", args=[copy.pk]), post)
    assert r.status_code == 200
    assert "Må være mellom 300 og 2\u00a0500." in r.content.decode()
    copy.refresh_from_db()
    assert copy.target_list_length == 800 and copy.name.startswith("Kopi av")
    post["target_list_length"] = "750"
    r = c.post(reverse("workforce:scenario_edit", args=[copy.pk]), post)
    assert r.status_code == 302
    copy.refresh_from_db()
    assert (copy.name, copy.target_list_length) == ("Mindre lister i Trondheim", 750)


def test_a_preset_has_no_edit_page(users):
    c = Client()
    c.force_login(users["national"])
    assert c.get(reverse("workforce:scenario_edit", args=[preset().pk])).status_code == 403
    assert c.get(reverse("workforce:scenario", args=[preset().pk])).status_code == 200


def test_a_scenario_of_another_county_is_not_found(users):
    copy = services.copy_scenario(users["municipality"], preset().pk)
    c = Client()
    c.force_login(users["oslo_municipality"])
    assert c.get(reverse("workforce:scenario", args=[copy.pk])).status_code == 404
    assert c.post(reverse("workforce:scenario_copy", args=[copy.pk])).status_code == 404
    url = reverse("workforce:municipality", args=["0301"]) + f"?s={copy.pk}"
    assert f'colspan="3">{copy.name}<' not in c.get(url).content.decode()


def test_the_county_sees_but_does_not_edit_a_neighbours_scenario(users):
    copy = services.copy_scenario(users["municipality"], preset().pk)
    c = Client()
    c.force_login(users["county_governor"])
    page = c.get(reverse("workforce:scenario", args=[copy.pk])).content.decode()
    assert copy.name in page
    assert reverse("workforce:scenario_edit", args=[copy.pk]) not in page
    assert c.get(reverse("workforce:scenario_edit", args=[copy.pk])).status_code == 403
    listing = c.get(reverse("workforce:scenarios")).content.decode()
    assert copy.name in listing and "Trondheim" in listing


def test_the_scenario_list_page(users):
    c = Client()
    c.force_login(users["county_governor"])
    page = c.get(reverse("workforce:scenarios")).content.decode()
    assert 'data-testid="scenario-table"' in page and "Flere ALIS" in page
    r = c.post(reverse("workforce:scenario_new"), {"name": ""})
    assert r.status_code == 200 and not Scenario.objects.filter(preset="").exists()


def test_the_demo_makes_two_trondelag_scenarios_once(users):
    from django.core.management import call_command

    call_command("workforce_demo")
    call_command("workforce_demo")
    demo = Scenario.objects.filter(county_id="50", preset="")
    assert demo.count() == 2
    names = set(demo.values_list("name", flat=True))
    seen = {s.name for s in selectors.visible_scenarios(users["other_municipality"])}
    assert names <= seen  # Melhus, in Trøndelag, reads them
    assert not names & {s.name for s in selectors.visible_scenarios(users["oslo_municipality"])}
