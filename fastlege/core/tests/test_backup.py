"""The restore drill, run by CI on both databases (issue 18, operations): back up a
registry, restore it into a new database, run the consistency check there and find
every table equal to its source; a copy that differs is caught."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fastlege.core.backup import checksums, current_url, differences
from fastlege.reference.loader import load_reference
from fastlege.reference.models import Municipality
from fastlege.registry.models import WaitingListEntry
from fastlege.registry.tests.factories import gp_list


def _registry() -> None:
    # A transactional test before this one (they run last, each emptying the database
    # when it ends) may have taken the reference data with it.
    if not Municipality.objects.exists():
        load_reference()
    full = gp_list(ceiling=3, members=3)
    other = gp_list(ceiling=50, members=7, municipality="0301")
    person = other.memberships.all()[0].resident
    WaitingListEntry.objects.create(resident=person, agreement=full)


def _drill(target: str) -> str:
    out = io.StringIO()
    call_command("restore_drill", target, stdout=out)
    return out.getvalue()


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_an_sqlite_registry_whole(tmp_path):
    _registry()
    out = _drill(str(tmp_path / "copy.sqlite3"))
    assert "Alt stemmer." in out  # the consistency check in the copy
    assert "Øvelsen er bestått" in out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_a_postgresql_registry_whole():
    import psycopg

    _registry()
    source = current_url()
    target = source.rsplit("/", 1)[0] + f"/drill_{uuid.uuid4().hex[:8]}"
    try:
        out = _drill(target)
        assert "Alt stemmer." in out
        assert "Øvelsen er bestått" in out
    finally:
        admin = source.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target.rsplit("/", 1)[1]}"')


@pytest.mark.django_db
def test_checksums_change_with_the_content_and_differences_name_the_table():
    _registry()
    before = checksums()
    assert before["registry_listmembership"][0] == 10
    person = WaitingListEntry.objects.get()
    person.status = WaitingListEntry.Status.LEFT
    person.save()
    after = checksums()
    changed = differences(before, after)
    assert changed == [
        "registry_waitinglistentry: 1 rader i kilden, 1 i kopien (samme antall, ulikt innhold)"
    ]
    assert differences(before, before) == []


@pytest.mark.sqlite
@pytest.mark.django_db
def test_the_drill_refuses_an_existing_sqlite_target(tmp_path):
    existing = tmp_path / "there.sqlite3"
    existing.write_bytes(b"")
    with pytest.raises(CommandError, match="finnes allerede"):
        _drill(str(existing))
