"""Time to make a dialogue meeting's situation report (issue 21, part 2).

Runs against an existing database with statistics (the demo: ``make run``'s data, or
a copy of it): makes ``--repeat`` versions of the report for the county's dialogue
meeting (``fastlege.dialogue.services.situation.make_situation_report``, the whole
service: data, both PDFs, the row and its audit event) after one warm-up, each in a
transaction that is rolled back, so nothing is kept. Prints best, median and max,
the part spent gathering the data (the statistics, follow-up and measures selectors)
and rendering the two PDFs, the number of SQL queries and the load average.

Example::

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python bench/situation_report.py --county 50
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOW_SYNTHETIC_NIN", "1")


def _ms(values: list[float]) -> str:
    best, median, worst = min(values), statistics.median(values), max(values)
    return f"best {best * 1000:.0f} ms, median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--county", default="50")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from fastlege.dialogue import situation_pdf
    from fastlege.dialogue.models import Meeting
    from fastlege.dialogue.selectors_situation import report_data
    from fastlege.dialogue.services.situation import make_situation_report
    from fastlege.reference.models import County
    from fastlege.stats.selectors import latest_month

    meeting = Meeting.objects.filter(county_id=args.county).order_by("pk").first()
    month = latest_month()
    if meeting is None or month is None:
        sys.exit("needs a meeting in the county and filled statistics (make run's data)")
    county = County.objects.get(number=args.county)
    about = {"title": meeting.title, "date": "", "organiser": meeting.organiser_name}
    made = {"version": "1", "at": ""}

    whole, data_times, pdf_times, queries = [], [], [], 0
    for i in range(args.repeat + 1):
        with transaction.atomic():
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                make_situation_report(None, meeting.pk)
            t1 = time.perf_counter()
            internal, public = report_data(county, month, datetime.date.today())
            t2 = time.perf_counter()
            situation_pdf.render(about, internal, made)
            situation_pdf.render(about, public, made)
            t3 = time.perf_counter()
            transaction.set_rollback(True)
        if i:  # the first is the warm-up
            whole.append(t1 - t0)
            data_times.append(t2 - t1)
            pdf_times.append(t3 - t2)
            queries = len(captured.captured_queries)
    print(
        f"county {county.name} ({args.county}), statistics month {month:%Y-%m}, "
        f"meeting {meeting.pk}, {args.repeat} runs, {connection.vendor}"
    )
    print(f"make_situation_report: {_ms(whole)}, {queries} queries")
    print(f"  gathering the data: {_ms(data_times)}")
    print(f"  rendering both PDFs: {_ms(pdf_times)}")
    print("load average: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
