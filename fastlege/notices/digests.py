"""The daily and weekly digests: ``send_digests``, run hourly by ``fastlege send-digests``.

Each run first delivers any recorded e-mail not yet sent (a failed send, or a crash
after a commit), then takes the users with queued notices whose ``due_at`` has passed,
``BATCH`` users per transaction, and for each writes one ``NoticeEmail`` collecting
all their due notices and binds those notices to it, in the same transaction. The
e-mails are delivered after that commit (``delivery.deliver``).

So the job is resumable and idempotent without a progress table: a notice is either
queued (``email`` empty) or bound to exactly one e-mail, and the binding commits with
the e-mail's record. A crash before the commit leaves the notices queued for the next
run; a crash after it leaves the e-mail recorded and unsent, which the next run sends.
No notice is sent twice (it is bound once) and none is lost.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import ngettext

from fastlege.core import audit
from fastlege.notices import delivery
from fastlege.notices.models import Kind, Notice, NoticeEmail

log = logging.getLogger("fastlege.notices")

#: Users per transaction.
BATCH = 500


@dataclass(frozen=True)
class DigestResult:
    retried: int  # e-mails recorded earlier and sent now
    digests: int  # digests written in this run
    notices: int  # notices bound to them
    sent: int  # e-mails delivered in this run (retried and new)
    seconds: float


def _due(now: datetime.datetime) -> QuerySet[Notice]:
    return Notice.objects.filter(email__isnull=True, due_at__lte=now)


def digest_text(user_id: int, notices: list[Notice]) -> tuple[str, str]:
    """Subject and text of one user's digest: the notices by kind, oldest first."""
    by_kind: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_kind[notice.kind].append(notice)
    subject = ngettext(
        "%(n)s nytt varsel fra fastlege", "%(n)s nye varsler fra fastlege", len(notices)
    ) % {"n": len(notices)}
    parts = []
    kinds = [k for k in Kind.values if k in by_kind]
    for kind in kinds:
        lines = [Kind(kind).label.upper()]
        for n in by_kind[kind]:
            when = f"{timezone.localtime(n.created_at):%d.%m.%Y}"
            lines.append(f"\n* {n.subject} ({when})\n{n.body.strip()}")
            if n.url:
                lines.append(delivery.absolute(n.url))
        parts.append("\n".join(lines))
    parts.append(delivery.footer(user_id, kinds))
    return subject, "\n\n".join(parts)


def _write_batch(now: datetime.datetime, batch: int) -> tuple[list[int], int]:
    """One transaction: the next ``batch`` users with due notices each get one recorded
    digest holding them. Returns the new e-mails' ids and the notices bound."""
    with transaction.atomic():
        user_ids = list(
            _due(now).order_by("user_id").values_list("user_id", flat=True).distinct()[:batch]
        )
        if not user_ids:
            return [], 0
        rows = list(
            _due(now)
            .filter(user_id__in=user_ids)
            .select_for_update(of=("self",))
            .select_related("user")
            .order_by("user_id", "created_at", "pk")
        )
        mine: dict[int, list[Notice]] = defaultdict(list)
        for notice in rows:
            mine[notice.user_id].append(notice)
        emails: list[NoticeEmail] = []
        bound: list[list[Notice]] = []
        dropped: list[int] = []
        for user_id, notices in mine.items():
            user = notices[0].user
            address = (user.email or "").strip() if user.is_active else ""
            if not address:  # the address was removed since: nothing by e-mail
                dropped.extend(n.pk for n in notices)
                continue
            subject, body = digest_text(user_id, notices)
            emails.append(
                NoticeEmail(user_id=user_id, to=address, subject=subject, body=body, created_at=now)
            )
            bound.append(notices)
        NoticeEmail.objects.bulk_create(emails)
        ids = [e.pk for e in emails]
        # one UPDATE for the batch: each notice gets its user's new e-mail
        Notice.objects.filter(pk__in=[n.pk for ns in bound for n in ns]).update(
            email=Subquery(
                NoticeEmail.objects.filter(pk__in=ids, user_id=OuterRef("user_id")).values("pk")[:1]
            )
        )
        if dropped:
            Notice.objects.filter(pk__in=dropped).delete()
        return ids, sum(len(ns) for ns in bound)


def send_digests(*, now: datetime.datetime | None = None, batch: int = BATCH) -> DigestResult:
    """Deliver what is left over, then write and deliver every digest that is due."""
    started = time.monotonic()
    now = now or timezone.now()
    retried = delivery.deliver(delivery.unsent_ids())
    digests = notices = sent = 0
    while True:
        ids, bound = _write_batch(now, batch)
        if not ids and not bound:
            if not _due(now).exists():
                break
            continue  # a batch of users without addresses only
        digests += len(ids)
        notices += bound
        sent += delivery.deliver(ids)
    audit.record(
        None, "notices.digests_sent", digests=digests, notices=notices, sent=sent + retried
    )
    seconds = time.monotonic() - started
    log.info("send-digests: %s digests, %s notices, %s sent", digests, notices, sent + retried)
    return DigestResult(retried, digests, notices, sent + retried, seconds)
