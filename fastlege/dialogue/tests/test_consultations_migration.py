"""The data migration of 0005_consultations: the old opt-in consent to publication
becomes the new rule (public unless the sender asks otherwise) without making
public anything a sender did not agree to; ``published`` becomes the stored status."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("dialogue", "0004_situation")]
AFTER = [("dialogue", "0005_consultations")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_consent_becomes_public_by_default_and_published_becomes_status():
    old = _migrate(BEFORE)
    try:
        Consultation = old.get_model("dialogue", "Consultation")
        Submission = old.get_model("dialogue", "Submission")
        moment = datetime.datetime(2024, 6, 25, 9, 0, tzinfo=datetime.UTC)
        common = {
            "question": "?",
            "organiser_name": "HOD",
            "opens_at": moment,
            "deadline": moment + datetime.timedelta(days=60),
            "personal_data_until": datetime.date(2025, 9, 16),
        }
        shown = Consultation.objects.create(title="Publisert", published=True, **common)
        hidden = Consultation.objects.create(title="Upublisert", published=False, **common)
        for n, consent in ((1, True), (2, False)):
            Submission.objects.create(
                consultation=shown,
                name=f"Innsender {n}",
                email=f"i{n}@example.no",
                submitter_kind="kommune",
                text="Tekst",
                consent_to_publication=consent,
                token=f"token-{n}",
            )
        new = _migrate(AFTER)
        Consultation = new.get_model("dialogue", "Consultation")
        Submission = new.get_model("dialogue", "Submission")
        assert Consultation.objects.get(pk=shown.pk).status == "apen"
        assert Consultation.objects.get(pk=hidden.pk).status == "utkast"
        consented = Submission.objects.get(name="Innsender 1")
        refused = Submission.objects.get(name="Innsender 2")
        assert (consented.requests_non_public, consented.non_public_reason) == (False, "")
        assert refused.requests_non_public is True
        assert "samtykket ikke" in refused.non_public_reason
        # and back: the old meaning is restored
        old = _migrate(BEFORE)
        Submission = old.get_model("dialogue", "Submission")
        assert dict(Submission.objects.values_list("name", "consent_to_publication")) == {
            "Innsender 1": True,
            "Innsender 2": False,
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
