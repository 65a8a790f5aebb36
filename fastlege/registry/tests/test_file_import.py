"""Import of a municipality's registry from files (docs/import.md): the Melhus sample
loads, loads again without change, and every kind of bad line is reported with its
line number while nothing is written.

Expected counts are computed from the sample files with the ``csv`` module, not by
the importer's own reader.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.registry.models import (
    Agreement,
    Doctor,
    DoctorPeriod,
    ListMembership,
    Practice,
    Resident,
)
from fastlege.registry.services.errors import Code
from fastlege.registry.services.file_import import ImportRefused, import_registry
from fastlege.registry.tests.factories import synthetic_nin, user_with

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "import-5028-melhus"
TODAY = datetime.date(2026, 12, 4)
MELHUS = "5028"


def sample() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(SAMPLE.glob("*.csv"))}


def rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def state() -> tuple[int, ...]:
    return (
        Practice.objects.count(),
        Doctor.objects.count(),
        Agreement.objects.count(),
        DoctorPeriod.objects.count(),
        Resident.objects.count(),
        ListMembership.objects.count(),
        AuditEvent.objects.filter(action="registry.imported").count(),
    )


def run(files: dict[str, bytes], *, dry_run: bool = False, actor=None):
    return import_registry(actor, MELHUS, files, dry_run, today=TODAY)


def test_the_melhus_sample_loads_with_counts_equal_to_its_lines():
    practices, gps, agreements = rows("practices.csv"), rows("gps.csv"), rows("agreements.csv")
    members = rows("members.csv")
    people = {m["fodselsnummer"] for m in members}
    with_gp = [a for a in agreements if a["fastlege_hpr"]]
    before = state()

    report = run(sample())

    assert not report.problems and report.written
    assert state() == (
        before[0] + len(practices),
        before[1] + len(gps),
        before[2] + len(agreements),
        before[3] + len(with_gp),
        before[4] + len(people),
        before[5] + len(members),
        before[6] + 1,
    )
    counts = {k: c.created for k, c in report.counts.items()}
    assert counts == {
        "practices": len(practices),
        "gps": len(gps),
        "agreements": len(agreements),
        "gp_periods": len(with_gp),
        "residents": len(people),
        "members": len(members),
    }
    # Current members per list, as the files say, equal the registry's.
    open_by_list: dict[str, int] = {}
    for m in members:
        if not m["til"]:
            open_by_list[m["avtale_id"]] = open_by_list.get(m["avtale_id"], 0) + 1
    for key, n in open_by_list.items():
        agreement = Agreement.objects.get(municipality_id=MELHUS, external_id=key)
        assert agreement.memberships.filter(valid_to__isnull=True).count() == n
        assert agreement.practice.municipality_id == MELHUS
    placed = ListMembership.objects.filter(agreement__municipality_id=MELHUS)
    assert set(placed.values_list("begin_reason", flat=True)) == {"migrert"}
    d_numbers = {n for n in people if int(n[0]) >= 4}  # day + 40
    assert d_numbers
    assert Resident.objects.filter(has_d_number=True).filter(nin__in=people).count() == len(
        d_numbers
    )
    ended = Agreement.objects.get(external_id="MEL-012")
    assert ended.valid_to == datetime.date(2024, 1, 1)
    assert not ended.memberships.filter(valid_to__isnull=True).exists()


def test_importing_the_same_files_again_changes_nothing():
    run(sample())
    before = state()
    snapshot = list(ListMembership.objects.order_by("pk").values_list())

    report = run(sample())

    assert report.changes == 0
    assert all(c.created == c.updated == 0 for c in report.counts.values())
    assert report.counts["members"].unchanged == len(rows("members.csv"))
    assert state()[:6] == before[:6]
    assert list(ListMembership.objects.order_by("pk").values_list()) == snapshot


def test_a_dry_run_reports_what_would_be_created_and_writes_nothing():
    before = state()

    report = run(sample(), dry_run=True)

    assert not report.written
    assert report.counts["members"].created == len(rows("members.csv"))
    assert report.counts["agreements"].created == len(rows("agreements.csv"))
    assert state() == before
    assert any("Prøvekjøring" in line for line in report.lines())


def test_a_changed_line_is_an_update_on_the_next_import():
    run(sample())
    files = sample()
    text = files["agreements.csv"].decode()
    first = rows("agreements.csv")[0]
    line = ";".join(first.values())
    files["agreements.csv"] = text.replace(
        line, line.replace(f";{first['listetak']};", ";1500;", 1)
    ).encode()

    report = run(files)

    assert report.counts["agreements"].updated == 1
    assert Agreement.objects.get(external_id=first["avtale_id"]).ceiling == 1500


# --- bad lines: each reported with its line number, nothing written ---------------


def replace_line(files: dict[str, bytes], name: str, number: int, change) -> dict[str, bytes]:
    """``files`` with line ``number`` (1 = the header) of ``name`` changed by ``change``,
    a function of the line's fields (a dict)."""
    text = files[name].decode().splitlines()
    header = text[0].split(";")
    fields = dict(zip(header, text[number - 1].split(";"), strict=True))
    change(fields)
    text[number - 1] = ";".join(fields[h] for h in header)
    return {**files, name: ("\n".join(text) + "\n").encode()}


def append_line(files: dict[str, bytes], name: str, line: str) -> dict[str, bytes]:
    return {**files, name: files[name] + line.encode() + b"\n"}


def refused(files: dict[str, bytes]) -> list[tuple[str, int, str]]:
    before = state()
    with pytest.raises(ImportRefused) as caught:
        run(files)
    assert caught.value.code == Code.IMPORT_REFUSED
    assert state() == before, "a refused import wrote something"
    return [(p.file, p.line, p.column) for p in caught.value.report.problems]


def set_(column: str, value: str):
    return lambda fields: fields.__setitem__(column, value)


def test_a_bad_identity_number_is_reported_and_never_repeated():
    files = sample()
    good = rows("members.csv")[4]["fodselsnummer"]
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    files = replace_line(files, "members.csv", 6, set_("fodselsnummer", bad))
    with pytest.raises(ImportRefused) as caught:
        run(files)
    problems = caught.value.report.problems
    assert [(p.file, p.line, p.column) for p in problems] == [("members.csv", 6, "fodselsnummer")]
    text = "\n".join(caught.value.report.lines())
    assert bad not in text and bad[:6] not in text
    assert "kontrollsiffer" in text


@pytest.mark.parametrize(
    ("name", "line", "column", "value"),
    [
        ("practices.csv", 3, "orgnr", "973510119"),  # wrong check digit
        ("gps.csv", 4, "hpr", "0123"),
        ("agreements.csv", 5, "gyldig_fra", "2019-02-30"),
        ("agreements.csv", 2, "kommunenr", "9999"),  # no such municipality
        ("agreements.csv", 3, "kommunenr", "5001"),  # Trondheim's, not Melhus'
        ("practices.csv", 2, "kommunenr", "5001"),
        ("members.csv", 9, "fra", "01.13.2020"),
        ("agreements.csv", 4, "listetak", "3000"),
    ],
)
def test_a_bad_field_is_reported_at_its_line_and_column(name, line, column, value):
    problems = refused(replace_line(sample(), name, line, set_(column, value)))
    assert (name, line, column) in problems
    assert {p[0] for p in problems} <= {name, "agreements.csv", "members.csv"}


def test_overlapping_places_of_one_person_are_refused():
    files = sample()
    member = rows("members.csv")[20]
    other = next(
        a["avtale_id"]
        for a in rows("agreements.csv")
        if a["avtale_id"] != member["avtale_id"] and not a["gyldig_til"]
    )
    line = ";".join(
        {**member, "avtale_id": other, "fra": "2025-06-01", "til": "", "sluttarsak": ""}.values()
    )
    files = append_line(files, "members.csv", line)
    number = len(rows("members.csv")) + 2
    assert ("members.csv", number, "fra") in refused(files)


def test_a_duplicate_line_is_refused():
    files = sample()
    text = files["gps.csv"].decode().splitlines()
    files = append_line(files, "gps.csv", text[3])
    assert refused(files) == [("gps.csv", len(text) + 1, "hpr")]


def test_a_member_of_an_agreement_in_neither_the_files_nor_the_registry_is_refused():
    files = replace_line(sample(), "members.csv", 12, set_("avtale_id", "MEL-999"))
    assert refused(files) == [("members.csv", 12, "avtale_id")]


def test_a_place_overlapping_one_already_in_the_registry_is_refused():
    run(sample())
    files = sample()
    member = rows("members.csv")[30]
    other = next(
        a["avtale_id"]
        for a in rows("agreements.csv")
        if a["avtale_id"] != member["avtale_id"] and not a["gyldig_til"]
    )
    files = replace_line(
        files, "members.csv", 32, lambda f: f.update(avtale_id=other, fra="2026-01-01")
    )
    problems = refused(files)
    assert ("members.csv", 32, "fra") in problems


def test_every_bad_line_is_reported_not_only_the_first():
    files = replace_line(sample(), "members.csv", 5, set_("fodselsnummer", "12345678901"))
    files = replace_line(files, "members.csv", 50, set_("til", "1999-01-01"))
    files = replace_line(files, "gps.csv", 3, set_("fodselsdato", "i går"))
    assert sorted(refused(files)) == [
        ("gps.csv", 3, "fodselsdato"),
        ("members.csv", 5, "fodselsnummer"),
        ("members.csv", 50, "til"),
    ]


def test_an_unknown_column_and_a_missing_one_are_reported_on_the_header_line():
    files = sample()
    files["gps.csv"] = files["gps.csv"].replace(b"fornavn", b"first_name", 1)
    problems = refused(files)
    assert ("gps.csv", 1, "first_name") in problems
    assert ("gps.csv", 1, "fornavn") in problems


# --- formats, scope ------------------------------------------------------------------


def test_comma_separated_files_in_a_zip_load_the_same():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in sample().items():
            archive.writestr(name, content.decode().replace(";", ","))
    report = run({"melhus.zip": buffer.getvalue()})
    assert report.counts["members"].created == len(rows("members.csv"))


def test_a_workbook_with_the_same_sheets_loads_the_same():
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name in ("practices", "gps", "agreements", "members"):
        sheet = book.create_sheet(name)
        with (SAMPLE / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter=";"):
                sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    report = run({"melhus.xlsx": buffer.getvalue()})
    assert report.counts["agreements"].created == len(rows("agreements.csv"))
    assert report.counts["members"].created == len(rows("members.csv"))


def test_another_municipalitys_officer_may_not_import():
    officer = user_with(Role.MUNICIPALITY, municipality_id="5001")
    before = state()
    with pytest.raises(Exception) as caught:
        run(sample(), actor=officer)
    assert getattr(caught.value, "code", None) == Code.NOT_AUTHORISED
    assert state() == before


def test_the_municipalitys_officer_imports_and_the_audit_row_names_them():
    officer = user_with(Role.MUNICIPALITY, municipality_id=MELHUS)
    run(sample(), actor=officer)
    event = AuditEvent.objects.get(action="registry.imported")
    assert event.actor_id == officer.pk
    text = str(event.details)
    assert rows("members.csv")[0]["fodselsnummer"] not in text


def test_the_command_prints_the_report_and_refuses_bad_files(tmp_path, capsys):
    call_command("import_registry", str(SAMPLE), "--municipality", MELHUS, "--dry-run")
    out = capsys.readouterr().out
    assert "Prøvekjøring" in out and Practice.objects.filter(municipality_id=MELHUS).count() == 0
    for p in SAMPLE.glob("*.csv"):
        (tmp_path / p.name).write_bytes(p.read_bytes())
    bad = synthetic_nin(datetime.date(1990, 5, 5))[:-1] + "x"
    (tmp_path / "members.csv").write_text(
        (tmp_path / "members.csv")
        .read_text()
        .replace(rows("members.csv")[0]["fodselsnummer"], bad, 1)
    )
    with pytest.raises(CommandError):
        call_command("import_registry", str(tmp_path), "--municipality", MELHUS)
    assert "members.csv linje 2, kolonne fodselsnummer" in capsys.readouterr().err
    call_command("import_registry", str(SAMPLE), "--municipality", MELHUS)
    assert Practice.objects.filter(municipality_id=MELHUS).count() == len(rows("practices.csv"))


def test_docs_describe_every_column_of_every_file():
    from fastlege.registry.import_files import COLUMNS

    docs = (Path(__file__).resolve().parents[3] / "docs" / "import.md").read_text()
    for kind, columns in COLUMNS.items():
        section = docs.split(f"### `{kind}.csv`", 1)[1].split("###", 1)[0]
        for column in columns:
            assert f"`{column.name}`" in section, (kind, column.name)
