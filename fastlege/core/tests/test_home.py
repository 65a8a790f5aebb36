"""The front page leads everyone to the public parts of the service."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_front_page_links_to_search_statistics_and_dialogue(client: Client) -> None:
    page = client.get(reverse("home")).content.decode()
    for name in ("web:find_gp", "stats:national", "dialogue:index", "web:login"):
        assert f'href="{reverse(name)}"' in page, name
    call_command(
        "seed", "--kommune", "5033", "--months", "0", stdout=io.StringIO()
    )  # as make run, smaller
    call_command("stats_fill", "--fra-registeret", "2025-12", stdout=io.StringIO())  # as make run
    for name in ("stats:national", "dialogue:index"):
        assert client.get(reverse(name)).status_code == 200, name
