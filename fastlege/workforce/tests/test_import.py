"""Loading a population projection: a good file replaces the old one with an audit
row; a file with any bad line is refused whole, every bad line reported, nothing loaded."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from fastlege.core.errors import DomainError
from fastlege.core.models import AuditEvent
from fastlege.workforce import services
from fastlege.workforce.models import PopulationProjection
from fastlege.workforce.services.errors import PopulationFileRefused

pytestmark = pytest.mark.django_db

GOOD = (
    '"region";"år";"personer"\n'
    '"5001 Trondheim";"2027";"216000"\n'
    '"5001 Trondheim";"2028";"218000"\n'
    '"K-5028 Melhus";"2027";"17000"\n'
    '"K-5028 Melhus";"2028";"17100"\n'
)


def test_a_good_file_is_loaded_with_an_audit_row():
    assert services.import_population(None, GOOD, source="ssb.csv") == 4
    assert sorted(
        PopulationProjection.objects.values_list("municipality_id", "year", "people")
    ) == [
        ("5001", 2027, 216000),
        ("5001", 2028, 218000),
        ("5028", 2027, 17000),
        ("5028", 2028, 17100),
    ]
    event = AuditEvent.objects.get(action="workforce.population_import")
    assert event.details["rows"] == 4 and event.details["source"] == "ssb.csv"


def test_a_new_file_replaces_the_old():
    services.import_population(None, GOOD)
    services.import_population(None, "kommunenummer,aar,folketall\n3101,2030,50000\n")
    assert list(PopulationProjection.objects.values_list("municipality_id", "year")) == [
        ("3101", 2030)
    ]


def test_every_bad_line_is_reported_and_nothing_loaded():
    services.import_population(None, GOOD)  # the projection in place before
    bad = (
        "kommunenummer;år;personer\n"
        "5001;2027;216000\n"  # 2 fine
        "9999;2027;100\n"  # 3 unknown municipality
        "5001;2028;-5\n"  # 4 negative
        "5001;2027;216500\n"  # 5 duplicate of line 2
        "5028;2027;17000\n"  # 6 fine, but 5028 lacks 2028 and 2029
        "5001;20x9;100\n"  # 7 bad year
        "5001;2029;mange\n"  # 8 bad count
        "3101;2027;1\n3101;2028;1\n3101;2029;1\n"  # 9-11 fine
    )
    with pytest.raises(PopulationFileRefused) as exc:
        services.import_population(None, bad)
    assert exc.value.problems == [
        (2, "Kommune 5001 mangler år 2028, 2029."),
        (3, "Ukjent kommunenummer 9999."),
        (4, "Negativt antall personer (-5)."),
        (5, "Kommune 5001 og år 2027 står også på linje 2."),
        (6, "Kommune 5028 mangler år 2028, 2029."),
        (7, "Ugyldig år «20x9»."),
        (8, "Ugyldig antall personer «mange»."),
    ]
    # the earlier projection is untouched, and no audit row for the refused file
    assert PopulationProjection.objects.count() == 4
    assert AuditEvent.objects.filter(action="workforce.population_import").count() == 1


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(PopulationFileRefused) as exc:
        services.import_population(None, "a;b;c\n5001;2027;1\n")
    assert exc.value.problems == [
        (1, "Overskriften må ha kolonnene kommunenummer, år og personer.")
    ]


def test_only_national_staff_or_the_system_loads(users):
    with pytest.raises(DomainError) as exc:
        services.import_population(users["county_governor"], GOOD)
    assert exc.value.code == "not_authorised"
    assert not PopulationProjection.objects.exists()


def test_the_command_reports_every_bad_line(tmp_path, capsys):
    path = tmp_path / "framskriving.csv"
    path.write_text("kommunenummer;år;personer\n9999;2027;1\n5001;2027;-1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 feil"):
        call_command("workforce_import_population", str(path))
    err = capsys.readouterr().err
    assert "linje 2: Ukjent kommunenummer 9999." in err
    assert "linje 3: Negativt antall personer (-1)." in err
    assert not PopulationProjection.objects.exists()
    good = tmp_path / "ok.csv"
    good.write_text("\ufeff" + GOOD, encoding="utf-8")
    call_command("workforce_import_population", str(good))
    assert PopulationProjection.objects.count() == 4
