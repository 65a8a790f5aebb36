"""A citizen's own actions with a summary before and a receipt after (issue 20).

helsenorge's *Bytte fastlege* shows what will happen before the citizen confirms and
leaves a receipt afterwards; so does fastlege:

* :func:`switch_summary` / :func:`waiting_summary` say, before anything is written,
  from which day a switch takes effect, whether it counts as one of the year's
  ordinary switches (pasientrettighetsforskriften § 6, the same functions the switch
  itself uses), and what happens to a place on a waiting list;
* the ``*_with_receipt`` services do the action through the registry's own service
  (every rule, lock and audit row stays there) and, in the same transaction, write a
  receipt (*kvittering*) to the person's *Meldinger*. After the commit a short e-mail
  goes to the acting user when their account has an address: it says only that a
  receipt is waiting and where (no name, no GP, no identity number in e-mail). It goes
  through ``notices.notify`` (kind «kvittering»), so the user may have it at once (the
  default), in a digest, or not at all. A failed e-mail is logged and retried and does
  not undo the action; the receipt is in *Meldinger* either way.

A parent acting for a child gets the child's receipt in the child's *Meldinger* (which
the parent reads) and the e-mail at the parent's own address.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fastlege.notices.models import Kind
from fastlege.notices.services import notify
from fastlege.registry import rules
from fastlege.registry.models import (
    Agreement,
    ListMembership,
    Notification,
    Resident,
    SwitchRequest,
    WaitingListEntry,
)
from fastlege.registry.services import access
from fastlege.registry.services.citizen import (
    DECIDED_REASONS,
    cancel_switch,
    counts_against_quota,
    exempt_reason,
    request_switch,
    switches_counted,
)
from fastlege.registry.services.common import free_places, is_closed_for_new, today_or
from fastlege.registry.services.notifications import list_label
from fastlege.registry.services.waiting import join_waiting_list, leave_waiting_list

PENDING = SwitchRequest.Status.PENDING
WAITING = WaitingListEntry.Status.WAITING


@dataclass(frozen=True)
class WaitingPlace:
    agreement_id: int
    label: str
    joined_at: datetime.datetime


@dataclass(frozen=True)
class SwitchSummary:
    """What a switch to ``target`` would do, as the confirmation page shows it."""

    target: Agreement
    target_label: str
    current_label: str  # "" when the person is on no list
    effective_on: datetime.date
    counts: bool  # counts as one of the year's ordinary switches (§ 6)
    quota_year: int
    quota_used: int  # ordinary switches already counted in that year
    quota_limit: int
    pending_label: str  # a switch already waiting (it must be cancelled first), else ""
    pending_on: datetime.date | None
    waiting: WaitingPlace | None  # the person's place on a waiting list, if any
    takes_new: bool  # the list has a free place and is open (else: a waiting list)

    @property
    def this_switch_number(self) -> int:
        return self.quota_used + 1

    @property
    def quota_exhausted(self) -> bool:
        return self.counts and self.quota_used >= self.quota_limit

    @property
    def loses_waiting_place(self) -> bool:
        """A switch to the list one waits for ends the wait (the place is had)."""
        return self.waiting is not None and self.waiting.agreement_id == self.target.pk


@dataclass(frozen=True)
class WaitingSummary:
    """What joining the waiting list of ``target`` would do."""

    target: Agreement
    target_label: str
    replaces: WaitingPlace | None  # the place on another list that would be given up


def _waiting_place(resident: Resident, on: datetime.date) -> WaitingPlace | None:
    entry = (
        WaitingListEntry.objects.filter(resident_id=resident.pk, status=WAITING)
        .select_related("agreement__practice")
        .order_by("pk")
        .first()
    )
    if entry is None:
        return None
    return WaitingPlace(entry.agreement_id, list_label(entry.agreement, on), entry.joined_at)


def _target(agreement_id: int) -> Agreement:
    return Agreement.objects.select_related("practice").get(pk=agreement_id)


def switch_summary(
    actor: Any, resident: Resident, agreement_id: int, *, today: datetime.date | None = None
) -> SwitchSummary:
    """The facts of a switch before it is asked for. Reads only; the switch itself checks
    every rule again under its locks (the summary can be stale by then)."""
    today = today_or(today)
    access.require_for_resident(actor, resident, today, parental_consent=True)
    target = _target(agreement_id)
    effective_on = rules.switch_effective_on(today)
    current = (
        ListMembership.objects.filter(resident_id=resident.pk, valid_to__isnull=True)
        .select_related("agreement__practice")
        .first()
    )
    pending = (
        SwitchRequest.objects.filter(resident_id=resident.pk, status=PENDING)
        .select_related("to_agreement__practice")
        .order_by("pk")
        .first()
    )
    decided = pending is not None and pending.reason in DECIDED_REASONS
    # A move decided for the person (reduction, closed list ...) is replaced by their own
    # choice and keeps its exemption, as in request_switch.
    counts = not decided and counts_against_quota(
        current is not None, exempt_reason(resident, current)
    )
    if decided and pending is not None and pending.to_agreement_id != target.pk:
        pending = None
    year = rules.quota_year(today, effective_on)
    return SwitchSummary(
        target=target,
        target_label=list_label(target, effective_on),
        current_label=list_label(current.agreement, today) if current else "",
        effective_on=effective_on,
        counts=counts,
        quota_year=year,
        quota_used=switches_counted(resident.pk, today, year),
        quota_limit=rules.ordinary_switches_per_year(today),
        pending_label=list_label(pending.to_agreement, pending.effective_on) if pending else "",
        pending_on=pending.effective_on if pending else None,
        waiting=_waiting_place(resident, today),
        takes_new=not is_closed_for_new(target) and free_places(target) > 0,
    )


def waiting_summary(
    actor: Any, resident: Resident, agreement_id: int, *, today: datetime.date | None = None
) -> WaitingSummary:
    today = today_or(today)
    access.require_for_resident(actor, resident, today, parental_consent=True)
    target = _target(agreement_id)
    place = _waiting_place(resident, today)
    return WaitingSummary(
        target=target,
        target_label=list_label(target, today),
        replaces=place if place and place.agreement_id != target.pk else None,
    )


def _email_copy(actor: Any, subject: str) -> None:
    """The courtesy e-mail to the acting user, as they chose for receipts under Varsler
    (``notices``, kind «kvittering»: at once after commit by default). It names no one."""
    if not getattr(actor, "is_authenticated", False):
        return
    body = "\n\n".join(
        [
            _("Du har fått en kvittering i Meldinger i fastlege."),
            _("Logg inn for å lese den."),
            _("Har du ikke gjort dette selv, ring 800HELSE (800 43 573)."),
        ]
    )
    notify(user=actor, kind=Kind.RECEIPT, subject=subject, body=body, url="/innbygger/")


def _receipt(
    actor: Any,
    resident_id: int,
    subject: str,
    lines: list[str],
    *,
    agreement_id: int | None,
    effective_on: datetime.date | None = None,
) -> Notification:
    registered = timezone.localtime()
    lines = [
        *lines,
        _("Registrert %(when)s.") % {"when": f"{registered:%d.%m.%Y kl. %H.%M}"},
    ]
    note = Notification.objects.create(
        resident_id=resident_id,
        kind=Notification.Kind.RECEIPT,
        subject=subject,
        body="\n".join(lines),
        agreement_id=agreement_id,
        effective_on=effective_on,
    )
    _email_copy(actor, _("Kvittering fra fastlege"))
    return note


def _d(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


@transaction.atomic
def switch_with_receipt(
    actor: Any,
    resident: Resident,
    agreement_id: int,
    *,
    parental_consent: bool = False,
    today: datetime.date | None = None,
) -> tuple[SwitchRequest, Notification]:
    """``request_switch`` and its receipt, in one transaction."""
    today = today_or(today)
    switch = request_switch(
        actor, resident, agreement_id, parental_consent=parental_consent, today=today
    )
    target = _target(switch.to_agreement_id)
    lines = [
        _("Du har bedt om å bytte til %(label)s fra %(date)s.")
        % {"label": list_label(target, switch.effective_on), "date": _d(switch.effective_on)},
    ]
    if switch.counts_against_quota:
        year = rules.quota_year(today, switch.effective_on)
        lines.append(
            _("Byttet teller som nummer %(n)s av %(limit)s ordinære bytter i %(year)s.")
            % {
                "n": switches_counted(resident.pk, today, year),
                "limit": rules.ordinary_switches_per_year(today),
                "year": year,
            }
        )
    else:
        lines.append(_("Byttet teller ikke som ett av de ordinære byttene i året."))
    lines.append(
        _("Du kan kansellere byttet under Min fastlege fram til %(date)s.")
        % {"date": _d(switch.effective_on - datetime.timedelta(days=1))}
    )
    note = _receipt(
        actor,
        resident.pk,
        _("Kvittering: bytte av fastlege"),
        lines,
        agreement_id=target.pk,
        effective_on=switch.effective_on,
    )
    return switch, note


@transaction.atomic
def cancel_switch_with_receipt(
    actor: Any, resident: Resident, switch_id: int, *, today: datetime.date | None = None
) -> tuple[SwitchRequest, Notification]:
    """``cancel_switch`` of the person's own pending switch, and its receipt."""
    today = today_or(today)
    switch = cancel_switch(actor, switch_id, today=today)
    target = _target(switch.to_agreement_id)
    note = _receipt(
        actor,
        resident.pk,
        _("Kvittering: bytte kansellert"),
        [
            _("Byttet til %(label)s fra %(date)s er kansellert. Du beholder fastlegen du har.")
            % {"label": list_label(target, switch.effective_on), "date": _d(switch.effective_on)},
            _("Et kansellert bytte teller ikke som ett av de ordinære byttene i året."),
        ],
        agreement_id=target.pk,
    )
    return switch, note


@transaction.atomic
def join_waiting_with_receipt(
    actor: Any,
    resident: Resident,
    agreement_id: int,
    *,
    parental_consent: bool = False,
    today: datetime.date | None = None,
) -> tuple[WaitingListEntry, Notification]:
    """``join_waiting_list`` and its receipt (which names a waiting place given up)."""
    today = today_or(today)
    before = _waiting_place(resident, today)
    entry = join_waiting_list(
        actor, resident, agreement_id, parental_consent=parental_consent, today=today
    )
    target = _target(entry.agreement_id)
    lines = [
        _("Du står nå på ventelisten til %(label)s.") % {"label": list_label(target, today)},
        _("Du får plass når det blir ledig, i den rekkefølgen dere meldte dere på."),
    ]
    if before is not None and before.agreement_id != target.pk:
        lines.append(
            _("Plassen din på ventelisten til %(label)s er avsluttet.") % {"label": before.label}
        )
    note = _receipt(
        actor,
        resident.pk,
        _("Kvittering: venteliste"),
        lines,
        agreement_id=target.pk,
    )
    return entry, note


@transaction.atomic
def leave_waiting_with_receipt(
    actor: Any, resident: Resident, *, today: datetime.date | None = None
) -> tuple[WaitingListEntry, Notification]:
    """``leave_waiting_list`` and its receipt."""
    today = today_or(today)
    entry = leave_waiting_list(actor, resident, today=today)
    target = _target(entry.agreement_id)
    note = _receipt(
        actor,
        resident.pk,
        _("Kvittering: meldt av venteliste"),
        [
            _("Du står ikke lenger på ventelisten til %(label)s.")
            % {"label": list_label(target, today)},
            _("Melder du deg på igjen, kommer du sist i køen."),
        ],
        agreement_id=target.pk,
    )
    return entry, note
