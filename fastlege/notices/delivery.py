"""Composing and delivering the recorded e-mails (``NoticeEmail``).

Every e-mail carries a one-click unsubscribe link in its text and the headers of
RFC 8058 (``List-Unsubscribe`` with the signed link, and ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click``), so a mail program can offer «Meld av» itself.

``deliver`` sends recorded e-mails in chunks, each chunk claimed (marked ``sent_at``)
by one UPDATE that holds the rows' locks while they are sent, in its own transaction:
two runs at once never send one twice, and a failed send puts that row back for the
next run (``send-digests`` retries). A crash between the mail server's acceptance and
the commit can repeat that chunk's e-mails (at most ``DELIVER_CHUNK``); no notice is
ever lost, because it is bound to its e-mail before anything is sent.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from email.message import Message as MimeMessage
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import forbid_multi_line_headers
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.notices import tokens
from fastlege.notices.models import Kind, NoticeEmail

log = logging.getLogger("fastlege.notices")


def absolute(url: str) -> str:
    """A site path made absolute for an e-mail (``/dialog/…`` → ``https://…/dialog/…``)."""
    return tokens.site_url() + url if url.startswith("/") else url


def footer(user_id: int, kinds: Iterable[str]) -> str:
    """Where to change the settings, and a one-click link per kind and for all."""
    lines = [
        "-- ",
        _("Du får denne e-posten fordi du har en konto i fastlege."),
        _("Velg hvilke varsler du får, og hvor ofte: %(url)s")
        % {"url": tokens.site_url() + reverse("notices:preferences")},
    ]
    for kind in kinds:
        lines.append(
            _("Ingen flere e-poster om «%(kind)s»: %(url)s")
            % {"kind": Kind(kind).label, "url": tokens.url(user_id, kind)}
        )
    lines.append(_("Ingen e-postvarsler i det hele tatt: %(url)s") % {"url": tokens.url(user_id)})
    return "\n".join(lines)


def single_body(user_id: int, kind: str, body: str, url: str) -> str:
    parts = [body.strip()]
    if url:
        parts.append(absolute(url))
    parts.append(footer(user_id, [kind]))
    return "\n\n".join(parts)


@functools.lru_cache(maxsize=512)
def _subject_header(subject: str) -> str:
    """The Subject header as Django writes it (checked for line breaks, RFC 2047-encoded
    when it is not ASCII). Encoding a Norwegian subject takes about 0.3 ms in Python's
    ``email.header``; the monthly pass sends tens of thousands of e-mails with the same
    subject, so it is encoded once."""
    return forbid_multi_line_headers("Subject", subject, settings.DEFAULT_CHARSET)[1]


class _NoticeMessage(EmailMessage):
    """Django's e-mail with the Subject header encoded once per distinct subject."""

    def message(self, **kwargs: Any) -> Any:
        subject, self.subject = self.subject, ""
        try:
            msg = super().message(**kwargs)
        finally:
            self.subject = subject
        del msg["Subject"]
        MimeMessage.__setitem__(msg, "Subject", _subject_header(subject))  # checked above
        return msg


def message(email: NoticeEmail, connection: BaseEmailBackend | None = None) -> EmailMessage:
    """The e-mail of a record, with the one-click headers (RFC 8058)."""
    link = tokens.url(email.user_id, email.kind or tokens.ALL)
    return _NoticeMessage(
        email.subject,
        email.body,
        getattr(settings, "DEFAULT_FROM_EMAIL", None),
        [email.to],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


#: Recorded e-mails claimed, sent and committed together while delivering.
DELIVER_CHUNK = 200


def deliver(ids: Iterable[int]) -> int:
    """Send the recorded e-mails ``ids`` not yet sent, over one connection; the number
    sent. They go in chunks of ``DELIVER_CHUNK``, each in its own transaction: one
    ``UPDATE … WHERE sent_at IS NULL`` claims the chunk's unsent rows (marks them sent
    with the chunk's own stamp and holds their row locks, so a second run at once waits
    and then finds them sent), the claimed e-mails are handed to the mail server, and a
    failed one is put back (``sent_at`` NULL, the attempt counted; the failure logged by
    its type only: the text may hold the address) for a retry. A crash before the
    commit rolls the whole chunk back: nothing is lost, and at most one chunk may be
    sent again. (One transaction per e-mail made the monthly «ledig plass» pass of
    45 000 e-mails take minutes; see docs/performance.md.)"""
    sent = 0
    pending = list(ids)
    connection = get_connection()
    try:
        for start in range(0, len(pending), DELIVER_CHUNK):
            chunk = pending[start : start + DELIVER_CHUNK]
            with transaction.atomic():
                stamp = timezone.now()
                NoticeEmail.objects.filter(pk__in=chunk, sent_at__isnull=True).update(
                    sent_at=stamp, attempts=F("attempts") + 1
                )
                failed = []
                for email in NoticeEmail.objects.filter(pk__in=chunk, sent_at=stamp).order_by("pk"):
                    try:
                        message(email, connection).send()
                    except Exception as exc:  # noqa: BLE001 - any failure: retry later
                        log.warning("notice e-mail %s not sent: %s", email.pk, type(exc).__name__)
                        failed.append(email.pk)
                        continue
                    sent += 1
                if failed:
                    NoticeEmail.objects.filter(pk__in=failed).update(sent_at=None)
    finally:
        connection.close()
    return sent


def deliver_after_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: deliver(ids))


def unsent_ids(limit: int | None = None) -> list[int]:
    """Recorded e-mails not yet sent, oldest first."""
    qs = (
        NoticeEmail.objects.filter(sent_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return list(qs[:limit] if limit else qs)
