"""How the dialogue writes a moment in texts, e-mails and exports: «16.09.2030 kl. 23:59»
in Norwegian local time. One definition for every service, selector and export."""

from __future__ import annotations

import datetime

from django.utils import timezone


def local_moment(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y kl. %H:%M}"
