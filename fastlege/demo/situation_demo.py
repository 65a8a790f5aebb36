"""The Trøndelag dialogue meeting's situation report in the demo (issue 21, part 2).

Called with one line from ``fastlege dialogue_demo``, which ``make run`` runs after
``stats-fill`` (the report needs the month's statistics) and before
``measures_demo``: the measures and their outbidding signal, which the report
shows, are entered here first (``measures_demo`` is idempotent; its own later run
then changes nothing). Without statistics (the tests' empty database) nothing is made.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from fastlege.dialogue.models import Meeting
from fastlege.dialogue.models_situation import SituationReport
from fastlege.dialogue.services.situation import make_situation_report
from fastlege.stats.selectors import latest_month

MEETING = "Dialogmøte om fastlegeordningen"


def situation_report_demo(stdout: Any) -> SituationReport | None:
    """Make the demo meeting's first situation report (once)."""
    meeting = Meeting.objects.filter(title=MEETING, county_id="50").order_by("pk").first()
    if meeting is None or latest_month() is None:
        stdout.write("Situasjonsbilde: ingen statistikk ennå, hoppet over.")
        return None
    existing = meeting.situation_reports.order_by("-version").first()
    if existing is not None:
        return existing
    call_command("measures_demo", stdout=io.StringIO())
    report = make_situation_report(None, meeting.pk)
    stdout.write(f"Situasjonsbilde for {meeting.title} er laget (versjon {report.version}).")
    return report
