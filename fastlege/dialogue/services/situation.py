"""Make a new version of a meeting's situation report (*situasjonsbilde*)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fastlege.core import audit
from fastlege.dialogue import situation_pdf
from fastlege.dialogue.formats import local_moment
from fastlege.dialogue.models import Meeting
from fastlege.dialogue.models_situation import SituationReport
from fastlege.dialogue.selectors_situation import report_data
from fastlege.stats import selectors as stats

from .access import require_organiser
from .errors import Code, refuse


@transaction.atomic
def make_situation_report(
    actor: Any, meeting_id: int, *, now: datetime.datetime | None = None
) -> SituationReport:
    """Freeze the county's situation now as a new version of the meeting's report.

    Only the meeting's organiser (the county's governor, or national staff) makes it.
    The figures are the statistics app's for its latest filled month, with the same
    definitions and suppression as the statistics pages; earlier versions are kept
    unchanged (the meeting row is locked while the next version number is chosen).
    """
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        refuse(Code.UNKNOWN_MEETING)
    require_organiser(actor, meeting.county_id)
    county = meeting.county
    if county is None:
        refuse(Code.NOT_A_COUNTY_MEETING)
    month = stats.latest_month()
    if month is None:
        refuse(Code.NO_STATISTICS)
    moment = now or timezone.now()
    data, public = report_data(county, month, timezone.localdate(moment))
    last = meeting.situation_reports.aggregate(v=Max("version"))["v"] or 0
    made = {
        "version": str(last + 1),
        "at": local_moment(moment),
        "counted_on": "",
    }
    if data.get("counted_on"):
        made["counted_on"] = f"{datetime.date.fromisoformat(data['counted_on']):%d.%m.%Y}"
    about = {
        "title": meeting.title,
        "date": f"{meeting.date:%d.%m.%Y}",
        "organiser": meeting.organiser_name,
    }
    report = SituationReport(
        meeting=meeting,
        version=last + 1,
        county=county,
        as_of_month=month,
        made_at=moment,
        made_by=actor if getattr(actor, "pk", None) else None,
        data=data,
        public_data=public,
        pdf=situation_pdf.render(about, data, made),
        public_pdf=situation_pdf.render(about, public, made),
    )
    report.save()
    audit.record(
        actor,
        "dialogue.situation_report.make",
        report,
        meeting=meeting.pk,
        version=report.version,
        month=f"{month:%Y-%m}",
    )
    return report
