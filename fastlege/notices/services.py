"""Notices without drowning: one entry point, ``notify``, and the user's choices.

``notify`` is called inside the caller's transaction. By the user's choice for the kind
(``NoticePreference``, else ``models.DEFAULTS``) it

* at once: records the e-mail (``NoticeEmail``) and the notice bound to it, and the
  e-mail is delivered after the commit (so a rolled-back action sends nothing);
* daily / weekly: records the notice with ``due_at`` (``schedule``), for the digest
  (``digests.send_digests``);
* none: records nothing.

A user with no e-mail address, or an inactive account, gets nothing by e-mail; what the
caller writes to *Meldinger* or a page is the caller's and untouched. No audit row per
notice (the notice and its e-mail are the record); changing the choices, on the page or
by the signed link, writes an audit row with the change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fastlege.core import audit
from fastlege.notices import delivery, schedule, tokens
from fastlege.notices.errors import Code, refuse
from fastlege.notices.models import DEFAULTS, Frequency, Kind, Notice, NoticeEmail, NoticePreference
from fastlege.notices.selectors import choices_of


def _one_line(subject: str) -> str:
    """A line break in a subject makes Django refuse the header (``BadHeaderError``)."""
    return " ".join(str(subject).split())[:200]


def _address(user: Any) -> str:
    if user is None or not getattr(user, "is_active", False):
        return ""
    return (getattr(user, "email", "") or "").strip()


def frequencies(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """The frequency of ``kind`` for each of ``user_ids`` (default where not chosen)."""
    ids = list(user_ids)
    chosen = dict(
        NoticePreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "frequency"
        )
    )
    return {pk: chosen.get(pk, DEFAULTS[kind]) for pk in ids}


def notify(
    *,
    user: Any,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    now: datetime.datetime | None = None,
) -> Notice | None:
    """Tell ``user`` about something of ``kind`` by e-mail, as they chose: at once
    (after the commit), in the daily or weekly digest, or not at all. ``url`` is a
    site path (``/dialog/…``) or an absolute address; ``subject`` and ``body`` must not
    hold identity numbers. Returns the notice, or None when nothing goes by e-mail."""
    kind = Kind(kind)
    sent = notify_many(users=[user], kind=kind, subject=subject, body=body, url=url, now=now)
    return sent[0] if sent else None


def notify_many(
    *,
    users: Iterable[Any],
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    now: datetime.datetime | None = None,
) -> list[Notice]:
    """``notify`` for many users with the same text, in a few statements (the monthly
    «ledig plass» pass tells tens of thousands at once). Returns the notices written."""
    kind = Kind(kind)
    now = now or timezone.now()
    subject = _one_line(subject)
    addressed = {u.pk: (u, address) for u in users if (address := _address(u))}
    if not addressed:
        return []
    wanted = frequencies(addressed, kind)
    notices: list[Notice] = []
    at_once: list[tuple[Notice, NoticeEmail]] = []
    for pk, (_user, address) in addressed.items():
        frequency = wanted[pk]
        if frequency == Frequency.NONE:
            continue
        notice = Notice(
            user_id=pk,
            kind=kind,
            subject=subject,
            body=body,
            url=url,
            frequency=frequency,
            created_at=now,
            due_at=schedule.due_at(frequency, now),
        )
        notices.append(notice)
        if frequency == Frequency.NOW:
            email = NoticeEmail(
                user_id=pk,
                to=address,
                kind=kind,
                subject=subject,
                body=delivery.single_body(pk, kind, body, url),
                created_at=now,
            )
            at_once.append((notice, email))
    emails = NoticeEmail.objects.bulk_create([e for _n, e in at_once])
    for (notice, _e), email in zip(at_once, emails, strict=True):
        notice.email = email
    Notice.objects.bulk_create(notices)
    delivery.deliver_after_commit([e.pk for e in emails])
    return notices


def _require_self(actor: Any, user: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        refuse(Code.NOT_YOURS)


def _apply(user_id: int, changes: Mapping[str, str], now: datetime.datetime) -> None:
    """Save ``changes`` (kind → frequency) and move the user's queued notices of those
    kinds to the new choice: none drops them, at once sends them with the next run."""
    for kind, frequency in changes.items():
        NoticePreference.objects.update_or_create(
            user_id=user_id,
            kind=kind,
            defaults={"frequency": frequency, "updated_at": now},
        )
        queued = Notice.objects.filter(user_id=user_id, kind=kind, email__isnull=True)
        if frequency == Frequency.NONE:
            queued.delete()
        else:
            queued.update(frequency=frequency, due_at=schedule.due_at(frequency, now))


@transaction.atomic
def set_preferences(actor: Any, user: Any, choices: Mapping[str, str]) -> dict[str, str]:
    """Save a user's own choice per kind (``Kind`` → ``Frequency``). Kinds left out keep
    their choice. Bad input changes nothing. Returns every kind's choice after."""
    _require_self(actor, user)
    if any(k not in Kind.values or f not in Frequency.values for k, f in choices.items()):
        refuse(Code.UNKNOWN_CHOICE)
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one at a time
    before = choices_of(user.pk)
    changes = {k: f for k, f in choices.items() if before[k] != f}
    _apply(user.pk, changes, timezone.now())
    audit.record(actor, "notices.preferences_set", user, changes=changes)
    return {**before, **changes}


@transaction.atomic
def unsubscribe(token: str) -> tuple[str, dict[str, str]]:
    """The one-click link: set the token's kind (or every kind) to none for its user,
    without login. A changed or expired token is refused and changes nothing. Returns
    the kind (``tokens.ALL`` for all) and the user's choices after."""
    link = tokens.read(token)
    user = get_user_model().objects.select_for_update().filter(pk=link.user_id).first()
    if user is None:
        refuse(Code.BAD_LINK)
    kinds = Kind.values if link.kind == tokens.ALL else [link.kind]
    before = choices_of(user.pk)
    changes = {k: Frequency.NONE.value for k in kinds if before[k] != Frequency.NONE}
    _apply(user.pk, changes, timezone.now())
    audit.record(None, "notices.unsubscribed", user, notice_kind=link.kind, changes=changes)
    return link.kind, {**before, **changes}
