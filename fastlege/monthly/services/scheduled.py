"""The scheduled monthly run: every month that is due, in order, and a notice on failure.

A timer (systemd) or cron starts ``fastlege month-run --due`` every night
(``docs/operations.md``). The lists change on the 1st, so on most nights nothing
is due and the command ends at once; on the 1st it carries the registry over to
the new month. When the server was down over a 1st, it runs every missed month in
order, oldest first. The engine (``run_month``) keeps every guarantee: one
transaction per month, months in order, one run at a time (PostgreSQL advisory
lock), a month never runs twice.

Outcomes, each with its own exit status for the scheduler (``EXIT_*``):

* ``ok``: every due month ran, or none was due;
* ``busy``: another run holds the lock; the next night tries again (a scheduler
  reads 75, ``EX_TEMPFAIL``, as "try later"); nobody is notified;
* ``failed``: a month was refused (a rule, an invariant) or the run crashed;
  nothing of that month is kept (the engine records the failed attempt), later
  months are not tried, and every national administrator with an e-mail address
  gets a notice (no personal data: the month, the refusal's text, where to look).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.accounts.models import Role
from fastlege.monthly.selectors import last_run_month
from fastlege.monthly.services.engine import RunResult, run_month
from fastlege.monthly.services.engine.months import next_month
from fastlege.monthly.services.errors import Code, MonthlyError

log = logging.getLogger("fastlege.monthly")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BUSY = 75  # EX_TEMPFAIL (sysexits.h): another run holds the lock; try again later


@dataclass
class DueResult:
    ran: list[RunResult] = field(default_factory=list)
    failed_month: datetime.date | None = None
    error: str = ""
    busy: bool = False
    notified: int = 0

    @property
    def exit_status(self) -> int:
        if self.busy:
            return EXIT_BUSY
        return EXIT_FAILED if self.failed_month is not None else EXIT_OK


def due_months(today: datetime.date) -> list[datetime.date]:
    """The months to run by ``today``, oldest first: from the month after the last
    completed run up to and including ``today``'s month. Before the first run ever,
    only ``today``'s month (there is no earlier state to carry over)."""
    this_month = today.replace(day=1)
    last = last_run_month()
    if last is None:
        return [this_month]
    months = []
    month = next_month(last)
    while month <= this_month:
        months.append(month)
        month = next_month(month)
    return months


def run_due(today: datetime.date | None = None, *, notify: bool = True) -> DueResult:
    """Run every due month as the system (no acting user). Stops at the first failure."""
    today = today or timezone.localdate()
    result = DueResult()
    for month in due_months(today):
        try:
            result.ran.append(run_month(None, month, today=today))
        except MonthlyError as exc:
            if exc.code == Code.RUN_IN_PROGRESS:
                result.busy = True
                log.warning("month-run --due: another run holds the lock (%s)", f"{month:%Y-%m}")
                return result
            result.failed_month, result.error = month, str(exc)
        except Exception as exc:
            # The engine has rolled the month back and recorded the attempt; the kind
            # of error only, never its text (it may quote data).
            result.failed_month, result.error = month, type(exc).__name__
            log.exception("month-run --due: %s crashed", f"{month:%Y-%m}")
        if result.failed_month is not None:
            log.error("month-run --due: %s failed: %s", f"{month:%Y-%m}", result.error)
            if notify:
                result.notified = notify_failure(month, result.error)
            return result
        _notify_watchers(month)
    return result


def _notify_watchers(month: datetime.date) -> None:
    """Si fra når det blir plass (docs/watches.md): after the month is committed. A failure
    is logged and leaves the month run as it is; ``notify-watchers --month`` repeats it."""
    from fastlege.watches.services import notify_watchers  # the app above this one

    try:
        notify_watchers(month)
    except Exception:
        log.exception("month-run --due: notify-watchers %s failed", f"{month:%Y-%m}")


def national_admin_addresses() -> list[str]:
    """E-mail addresses of the active national administrators (the run's owners)."""
    users = (
        get_user_model().objects.filter(is_active=True, roles__role=Role.NATIONAL).exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_failure(month: datetime.date, error: str) -> int:
    """Tell the national administrators that the scheduled run of ``month`` failed.
    Returns how many were told. A failing mail server is logged, never raised: the
    exit status and the log already report the failure."""
    addresses = national_admin_addresses()
    if not addresses:
        log.error("month-run --due: no national administrator with an e-mail to notify")
        return 0
    base = getattr(settings, "DIALOGUE_SITE_URL", "").rstrip("/")
    subject = _("Månedskjøringen for %(month)s feilet") % {"month": f"{month:%m.%Y}"}
    body = _(
        "Den planlagte månedskjøringen for %(month)s feilet, og ingenting av måneden er "
        "lagret.\n\nÅrsak: %(error)s\n\nSe månedskjøringene i administrasjonen: "
        "%(url)s\nNår årsaken er rettet, kjører neste planlagte kjøring måneden på nytt, "
        "eller kjør den selv med «fastlege month-run %(arg)s»."
    ) % {
        "month": f"{month:%m.%Y}",
        "error": error,
        "url": f"{base}/admin/monthly/monthrun/",
        "arg": f"{month:%Y-%m}",
    }
    try:
        send_mail(subject, body, getattr(settings, "DEFAULT_FROM_EMAIL", None), addresses)
    except Exception:
        log.exception("month-run --due: the failure notice could not be sent")
        return 0
    return len(addresses)
