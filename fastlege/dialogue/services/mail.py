"""E-mail with confirmation links: recorded first, sent by a pluggable sender.

The message is recorded (:class:`OutgoingEmail`) in the transaction of the
registration or submission, so it is never lost; after the commit the sender
named by the setting ``DIALOGUE_EMAIL_SENDER`` (a dotted path to a callable
taking an ``OutgoingEmail``; default :func:`django_sender`, which uses Django's
configured e-mail backend) tries to send it. Messages that could not be sent
are retried by ``fastlege dialogue_send_mail``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from fastlege.dialogue.models import OutgoingEmail

log = logging.getLogger(__name__)


#: The purpose of a pending registration's confirmation e-mail: its link takes a
#: seat, so once sent the link is not kept (``deliver`` blanks it and the body).
PENDING_PURPOSE = "registration.pending"
SENT_LINK_REMOVED = "(Sendt. Lenken lagres ikke.)"


def django_sender(message: OutgoingEmail) -> None:
    send_mail(
        message.subject,
        message.body,
        getattr(settings, "DEFAULT_FROM_EMAIL", None),
        [message.to],
        fail_silently=False,
    )


def sender() -> Callable[[OutgoingEmail], None]:
    path = getattr(settings, "DIALOGUE_EMAIL_SENDER", "")
    return import_string(path) if path else django_sender


def site_url() -> str:
    return getattr(settings, "DIALOGUE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def deliver(message_id: int) -> bool:
    """Try to send one recorded message; True when it was sent."""
    with transaction.atomic():
        message = OutgoingEmail.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.sent_at is not None:
            return False
        message.attempts += 1
        try:
            sender()(message)
        except Exception as exc:  # noqa: BLE001 - any failure leaves it for a retry
            # the exception text may hold the address: log only its type
            log.warning("dialogue e-mail %s not sent: %s", message_id, type(exc).__name__)
            message.save(update_fields=["attempts"])
            return False
        message.sent_at = timezone.now()
        if message.purpose == PENDING_PURPOSE:
            message.link = ""
            message.body = SENT_LINK_REMOVED
        message.save(update_fields=["attempts", "sent_at", "link", "body"])
        return True


def record(
    *,
    to: str,
    subject: str,
    body: str,
    link: str,
    purpose: str,
    registration_id: int | None = None,
    submission_id: int | None = None,
    invitation_id: int | None = None,
) -> OutgoingEmail:
    """Record a message inside the caller's transaction; it is sent after the commit.

    The subject is made one line: a line break in it (from a meeting title) makes
    Django refuse the header (``BadHeaderError``), and the message would never go.
    """
    message = OutgoingEmail.objects.create(
        to=to,
        subject=" ".join(subject.split())[:200],
        body=body,
        link=link,
        purpose=purpose,
        registration_id=registration_id,
        submission_id=submission_id,
        invitation_id=invitation_id,
    )
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def send_pending(limit: int = 500) -> int:
    ids = list(
        OutgoingEmail.objects.filter(sent_at__isnull=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if deliver(pk))
