"""The front page leads everyone to the public parts of the service."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fastlege.registry.models import Agreement, ListMembership
from fastlege.registry.tests.calibration import OPEN_ON_DAY, regular_gp_open

pytestmark = pytest.mark.django_db


def test_front_page_links_to_search_statistics_and_dialogue(client: Client) -> None:
    page = client.get(reverse("home")).content.decode()
    for name in ("web:find_gp", "stats:national", "dialogue:index", "web:login"):
        assert f'href="{reverse(name)}"' in page, name
    call_command(
        "seed", "--kommune", "5033", "--months", "0", stdout=io.StringIO()
    )  # as make run, smaller
    call_command("stats_fill", "--fra-registeret", "2025-12", stdout=io.StringIO())  # as make run
    national = client.get(reverse("stats:national"))
    assert national.status_code == 200
    html = national.content.decode()
    assert "<h1>Hele landet – desember 2025</h1>" in html
    # Tydal's figures as a visitor reads them: the mean list length over its lists with
    # a regular GP, counted here from the registry's rows.
    with_gp = Agreement.objects.annotate(has_gp=regular_gp_open()).filter(has_gp=True)
    on_lists = ListMembership.objects.filter(OPEN_ON_DAY, agreement__in=with_gp).count()
    mean_length = round(on_lists / with_gp.count())
    assert mean_length > 100  # a real figure, not an empty register
    # Each headline read as text: the indicator's name, then its value.
    headlines = [
        " ".join(re.sub(r"<[^>]+>", " ", block).split())
        for block in re.split(r'<div class="headline"[^>]*>', html)[1:]
    ]
    name = "Gjennomsnittlig listelengde (lister med fast lege)"
    shown = [h.removeprefix(name).split()[0] for h in headlines if h.startswith(name)]
    assert shown == [str(mean_length)]
    dialogue = client.get(reverse("dialogue:index"))
    assert dialogue.status_code == 200
    assert "<h1>Møter og innspill om fastlegeordningen</h1>" in dialogue.content.decode()
