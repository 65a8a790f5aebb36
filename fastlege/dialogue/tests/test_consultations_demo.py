"""The demo's 2024 consultation has gone through every phase (``dialogue_demo``)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from fastlege.dialogue.models import Consultation, Phase

pytestmark = pytest.mark.django_db


def test_the_demo_consultation_went_through_all_phases(client):
    call_command("dialogue_demo")
    c = Consultation.objects.get(title="Innspel om framtidas allmennlegeteneste")
    assert c.phase == Phase.SUMMARY
    assert c.sections.count() == 4 and c.submissions.count() == 8
    extension = c.extensions.get()
    assert (extension.old_deadline.day, extension.new_deadline.day) == (16, 30)
    assert c.submissions.filter(requests_non_public=True).count() == 1
    held = c.submissions.exclude(withheld_reason="").get()
    assert held.submitter_kind == "fastlege"
    kinds = set(c.submissions.values_list("submitter_kind", flat=True))
    assert kinds == {"kommune", "stat", "organisasjon", "fastlege", "privatperson"}
    page = client.get(reverse("dialogue:consultation", args=[c.pk])).content.decode()
    assert "Fristen er forlenget fra 16. september 2024 23:59 til 30. september 2024 23:59" in page
    assert "Departementet fekk 8 innspel" in page
    published = client.get(reverse("dialogue:published", args=[c.pk])).content.decode()
    assert held.text not in published and "to år" not in published
    assert "ALIS-avtalar med fast løn" in published
