"""The public draw page (issue 20 item 6), the about page and the favicon (item 8)."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fastlege.accounts.models import Role
from fastlege.registry.models import ListReduction, ReductionDraw, Resident
from fastlege.registry.services import prepare_list_reduction
from fastlege.registry.tests.factories import add_members, gp_list, user_with

pytestmark = pytest.mark.django_db

D = datetime.date
ROOT = Path(settings.BASE_DIR).parent
SCRIPT = Path(settings.BASE_DIR) / "core" / "static" / "core" / "sjekk_trekning.py"


def make_reduction() -> ListReduction:
    source = gp_list(ceiling=500, members=0)
    for h in range(1, 6):
        add_members(source, 3, household=h)
    add_members(source, 10)
    source.ceiling = 17
    source.save()
    muni = user_with(Role.MUNICIPALITY, municipality_id="5001")
    return prepare_list_reduction(
        muni,
        source,
        effective_on=D(2026, 10, 1),
        plan=[(gp_list(ceiling=50), 5), (gp_list(ceiling=50), 3)],
        today=D(2026, 3, 10),
    )


def docs_script() -> str:
    text = (ROOT / "docs" / "draw.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- check-script:.*?-->\n```python\n(.*?)```", text, re.S)
    assert match, "docs/draw.md holds the check script"
    return match.group(1)


def run_check(
    script: str, data: dict[str, object], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "sjekk.py").write_text(script, encoding="utf-8")
    (tmp_path / "trekning.json").write_text(json.dumps(data), encoding="utf-8")
    return subprocess.run(  # noqa: S603 - our own script, the test's Python
        [sys.executable, "-I", str(tmp_path / "sjekk.py"), str(tmp_path / "trekning.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_docs_script_checks_a_real_reduction_from_its_download(tmp_path: Path) -> None:
    reduction = make_reduction()
    response = Client().get(reverse("web:draw_json", args=[reduction.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    script = docs_script()
    assert script == SCRIPT.read_text(encoding="utf-8"), "docs and the download differ"
    ok = run_check(script, data, tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith("OK"), ok.stdout + ok.stderr
    assert (
        sum(
            h["size"]
            for h in data["households"]
            if h["pseudonym"] in {d["pseudonym"] for d in data["drawn"]}
        )
        == reduction.drawn
    )
    # Had another household been moved than the method gives, the check says so.
    drawn = {d["pseudonym"] for d in data["drawn"]}
    stayed = next(h for h in data["households"] if h["pseudonym"] not in drawn and h["size"] == 1)
    single = next(
        d
        for d in data["drawn"]
        if next(h for h in data["households"] if h["pseudonym"] == d["pseudonym"])["size"] == 1
    )
    single["pseudonym"] = stayed["pseudonym"]
    bad = run_check(script, data, tmp_path)
    assert bad.returncode == 1 and bad.stdout.startswith("AVVIK"), bad.stdout + bad.stderr


def test_the_public_page_shows_seed_method_and_households_without_names() -> None:
    reduction = make_reduction()
    page = Client().get(reverse("web:draw", args=[reduction.pk])).content.decode()
    assert str(reduction.seed) in page and "sha256-v2" in page
    assert page.count('<tr id="h-') == 15  # 5 households of three, 10 alone
    assert reverse("web:draw_json", args=[reduction.pk]) in page
    assert "sjekk_trekning.py" in page
    for person in Resident.objects.all():
        assert person.last_name not in page and person.nin not in page


def test_an_old_unpublished_draw_has_no_page() -> None:
    reduction = make_reduction()
    ListReduction.objects.filter(pk=reduction.pk).update(algorithm="v1")
    assert Client().get(reverse("web:draw", args=[reduction.pk])).status_code == 404
    assert Client().get(reverse("web:draw_json", args=[reduction.pk])).status_code == 404


def test_a_moved_resident_finds_their_household_in_meldinger() -> None:
    reduction = make_reduction()
    row = ReductionDraw.objects.filter(reduction=reduction).first()
    assert row is not None
    person = Resident.objects.get(pk=row.resident_id)
    client = Client()
    client.force_login(user_with(Role.CITIZEN, resident=person))
    page = client.get(reverse("web:notifications", args=[person.pk])).content.decode()
    match = re.search(r'data-testid="pseudonym">([0-9a-f-]{14})<', page)
    assert match, page
    data = json.loads(Client().get(reverse("web:draw_json", args=[reduction.pk])).content)
    assert match.group(1) in {d["pseudonym"] for d in data["drawn"]}
    assert f"{reverse('web:draw', args=[reduction.pk])}#h-{match.group(1)}" in page
    # A resident of the list who was not drawn sees no draw.
    drawn_ids = set(ReductionDraw.objects.values_list("resident_id", flat=True))
    stayed = Resident.objects.exclude(pk__in=drawn_ids).first()
    assert stayed is not None
    client.force_login(user_with(Role.CITIZEN, resident=stayed))
    page = client.get(reverse("web:notifications", args=[stayed.pk])).content.decode()
    assert 'data-testid="own-draw"' not in page


def test_the_about_page_is_linked_from_every_page_and_gives_the_phone() -> None:
    home = Client().get(reverse("home")).content.decode()
    assert reverse("web:about") in home
    page = Client().get(reverse("web:about")).content.decode()
    assert "800 43 573" in page and 'href="tel:80043573"' in page
    assert "Personvern" in page and "uustatus.no" in page


def test_the_favicon_is_linked_and_favicon_ico_does_not_404() -> None:
    home = Client().get(reverse("home")).content.decode()
    assert 'rel="icon"' in home and "core/favicon.svg" in home
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("core/favicon.svg")
    assert SCRIPT.with_name("favicon.svg").read_text().startswith("<svg")
