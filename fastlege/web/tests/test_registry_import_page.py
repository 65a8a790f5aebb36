"""The municipality's import page: its own officer uploads the files, reads the dry run's
report, confirms and the registry is loaded; a bad file is reported line by line and
nothing is written; another municipality's officer and national staff are refused (403),
an unknown municipality is 404. Posts without a CSRF token are refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.core import uploads
from fastlege.registry.models import ListMembership, Practice
from fastlege.registry.tests.factories import user_with

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "import-5028-melhus"
MELHUS = "5028"
URL = reverse("web:registry_import", args=[MELHUS])


def member_lines() -> int:
    with (SAMPLE / "members.csv").open(encoding="utf-8", newline="") as fh:
        return sum(1 for _row in csv.DictReader(fh, delimiter=";"))


def upload(overrides: dict[str, bytes] | None = None) -> list[SimpleUploadedFile]:
    files = {p.name: p.read_bytes() for p in sorted(SAMPLE.glob("*.csv"))}
    files.update(overrides or {})
    return [SimpleUploadedFile(name, content, "text/csv") for name, content in files.items()]


def client_for(role: str, **scope: str) -> Client:
    client = Client()
    client.force_login(user_with(role, **scope))
    return client


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def melhus_members() -> int:
    return ListMembership.objects.filter(agreement__municipality_id=MELHUS).count()


def test_the_officer_checks_confirms_and_imports(data_dir):
    client = client_for(Role.MUNICIPALITY, municipality_id=MELHUS)
    assert client.get(URL).status_code == 200

    checked = client.post(URL, {"steg": "sjekk", "files": upload()})

    assert checked.status_code == 200
    assert checked.context["report"].counts["members"].created == member_lines()
    assert melhus_members() == 0, "the check must not write"
    token = checked.context["token"]
    assert token and token not in checked.request["PATH_INFO"]
    assert list((data_dir / "import-uploads").glob("*.zip"))

    done = client.post(URL, {"steg": "les-inn", "token": token})

    assert done.status_code == 200
    assert done.context["report"].written
    assert melhus_members() == member_lines()
    assert not list((data_dir / "import-uploads").glob("*.zip")), "the files are deleted"
    # the same token again: nothing left to import
    again = client.post(URL, {"steg": "les-inn", "token": token})
    assert again.status_code == 400
    assert melhus_members() == member_lines()


def test_a_bad_file_is_reported_line_by_line_and_nothing_can_be_confirmed():
    client = client_for(Role.MUNICIPALITY, municipality_id=MELHUS)
    text = (SAMPLE / "practices.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(";5028;", ";5001;")
    bad = {"practices.csv": ("\n".join(text) + "\n").encode()}

    response = client.post(URL, {"steg": "sjekk", "files": upload(bad)})

    assert response.status_code == 400
    problems = [(p.file, p.line, p.column) for p in response.context["report"].problems]
    assert ("practices.csv", 3, "kommunenr") in problems
    assert response.context["token"] == ""
    assert b"practices.csv" in response.content and b'name="token"' not in response.content
    assert Practice.objects.filter(municipality_id=MELHUS).count() == 0


def test_a_token_from_another_session_imports_nothing():
    officer = client_for(Role.MUNICIPALITY, municipality_id=MELHUS)
    token = officer.post(URL, {"steg": "sjekk", "files": upload()}).context["token"]
    colleague = client_for(Role.MUNICIPALITY, municipality_id=MELHUS)

    assert colleague.post(URL, {"steg": "les-inn", "token": token}).status_code == 400
    assert melhus_members() == 0


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.MUNICIPALITY, {"municipality_id": "5001"}),
        (Role.NATIONAL, {}),
        (Role.COUNTY_GOVERNOR, {"county_id": "50"}),
    ],
)
def test_others_are_refused(role, scope):
    client = client_for(role, **scope)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"steg": "sjekk", "files": upload()}).status_code == 403
    assert melhus_members() == 0


def test_an_unknown_municipality_is_404():
    client = client_for(Role.MUNICIPALITY, municipality_id=MELHUS)
    assert client.get(reverse("web:registry_import", args=["9999"])).status_code == 404


def test_a_post_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with(Role.MUNICIPALITY, municipality_id=MELHUS))
    assert client.post(URL, {"steg": "sjekk", "files": upload()}).status_code == 403
    assert melhus_members() == 0


def test_a_too_large_file_is_refused_before_it_is_read(settings):
    client = client_for(Role.MUNICIPALITY, municipality_id=MELHUS)
    big = b"x" * (uploads.MAX_FILE_BYTES + 1)
    response = client.post(URL, {"steg": "sjekk", "files": upload({"members.csv": big})})
    assert response.status_code == 400
    assert "MB" in response.context["error"]
    assert melhus_members() == 0


def test_the_overview_links_to_the_page_for_the_municipalitys_officer_only():
    overview = reverse("web:municipality", args=[MELHUS])
    own = client_for(Role.MUNICIPALITY, municipality_id=MELHUS).get(overview)
    national = client_for(Role.NATIONAL).get(overview)
    assert URL.encode() in own.content
    assert URL.encode() not in national.content
