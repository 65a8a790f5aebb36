"""Limits on registration without an account (issue 18, finding 10).

The public registration form could be flooded: 100 seats in 2.4 s, and 120
e-mails to any address. A registration now waits for its e-mail link before it
holds a seat (``registrations.request_registration``), and these limits cap what
one client, one e-mail address and one meeting can cause. Each is a setting
(docs/settings.md), counted with the log-in limiter's shared, atomic slots
(``fastlege.accounts.ratelimit.take_slot``, cache ``settings.LOGIN_CACHE``):

- ``DIALOGUE_REGISTRATIONS_PER_CLIENT_PER_HOUR``: form submissions that reach
  the service, per client address (``ratelimit.client_address``: the trusted
  proxy's, IPv6 per /64), whatever their outcome;
- ``DIALOGUE_CONFIRMATIONS_PER_ADDRESS_PER_DAY``: confirmation e-mails to one
  e-mail address, over all meetings (new ones and re-sends): the overall cap;
- ``DIALOGUE_PENDING_PER_MEETING_PER_HOUR``: new pending registrations per meeting;
- ``DIALOGUE_RESEND_MINUTES``: a re-submission for the same address and meeting
  re-sends the link at most this often (otherwise nothing is sent);
- ``DIALOGUE_PENDING_HOURS``: how long a link may be used.

A refusal is a ``DialogueError`` with one of ``RATE_LIMITED`` codes (the page
answers HTTP 429 and writes the security event ``RATE_LIMITED``); nothing is
saved and no e-mail sent. The address and meeting slots are taken inside the
registration's transaction: on the database cache a refusal there also gives
back a slot already taken for the same attempt; on Redis it stays used.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from fastlege.accounts import ratelimit

from .errors import Code, refuse

#: The security event (``fastlege.accounts.security.event``) written on a refusal.
RATE_LIMITED = "security.rate_limited"
RATE_LIMITED_CODES = frozenset(
    {Code.TOO_MANY_FROM_CLIENT, Code.TOO_MANY_TO_ADDRESS, Code.TOO_MANY_FOR_MEETING}
)
HOUR = 3600
DAY = 24 * HOUR


def pending_period() -> datetime.timedelta:
    """How long a pending registration's link may be used."""
    return datetime.timedelta(hours=int(settings.DIALOGUE_PENDING_HOURS))


def resend_interval() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(settings.DIALOGUE_RESEND_MINUTES))


def admit_client(address: str) -> None:
    """Count one submission from this client address; refuse beyond the hourly limit."""
    if not ratelimit.take_slot(
        "dialogue-client",
        address,
        limit=int(settings.DIALOGUE_REGISTRATIONS_PER_CLIENT_PER_HOUR),
        window=HOUR,
        address=True,
    ):
        refuse(Code.TOO_MANY_FROM_CLIENT)


def admit_new_pending(meeting_id: int) -> None:
    """Count one new pending registration for the meeting; refuse beyond the hourly limit."""
    if not ratelimit.take_slot(
        "dialogue-meeting",
        str(meeting_id),
        limit=int(settings.DIALOGUE_PENDING_PER_MEETING_PER_HOUR),
        window=HOUR,
    ):
        refuse(Code.TOO_MANY_FOR_MEETING)


def admit_confirmation_email(email: str) -> None:
    """Count one confirmation e-mail to this address; refuse beyond the daily cap."""
    if not ratelimit.take_slot(
        "dialogue-email",
        email.strip().lower(),
        limit=int(settings.DIALOGUE_CONFIRMATIONS_PER_ADDRESS_PER_DAY),
        window=DAY,
    ):
        refuse(Code.TOO_MANY_TO_ADDRESS)
