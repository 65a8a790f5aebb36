"""Meldinger til innbyggere: written where the regulation says the resident is told.

A notification says what happened, when it takes effect and what right the
person has (to switch, to appeal). It is readable in the web app and can be
exported in a batch for print and post. The text is rendered once, when the
event happens, in Norwegian bokmål.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fastlege.core import audit
from fastlege.core.bulk import insert_rows
from fastlege.reference.models import Municipality
from fastlege.registry.models import Agreement, Notification, NotificationBatch
from fastlege.registry.services import access
from fastlege.registry.services.errors import Code, refuse

Kind = Notification.Kind


def _date(day: datetime.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def list_label(agreement: Agreement, on: datetime.date) -> str:
    """How a list is named in a letter: its GP and practice, or "without a regular GP"."""
    period = access.regular_gp_on(agreement.pk, on)
    practice = agreement.practice.name
    if period is not None:
        return _("fastlege %(doctor)s ved %(practice)s") % {
            "doctor": period.doctor.full_name,
            "practice": practice,
        }
    return _("liste uten fast lege ved %(practice)s") % {"practice": practice}


SWITCH_RIGHT = gettext_lazy(
    "Du kan bytte til en annen fastlege med ledig plass på helsenorge.no eller på telefon "
    "800HELSE (800 43 573)."
)
NOT_COUNTED = gettext_lazy("Denne endringen teller ikke som ett av dine to bytter i året.")


def _text(kind: str, ctx: dict[str, str]) -> tuple[str, str]:
    switch_right = str(SWITCH_RIGHT)
    not_counted = str(NOT_COUNTED)
    if kind == Kind.NEW_GP:
        return _("Ny fastlege på listen din"), " ".join(
            [
                _("Fra %(date)s er %(doctor)s fastlege på listen du står på ved %(practice)s.")
                % ctx,
                _("Du beholder plassen uten å gjøre noe."),
                switch_right,
                _(
                    "Et bytte fordi fastlegen din har sluttet, teller ikke som ett av dine "
                    "to bytter i året (pasientrettighetsforskriften § 6)."
                ),
            ]
        )
    if kind == Kind.GP_LEAVING:
        return _("Fastlegen din slutter"), " ".join(
            [
                _("Fastlegen din, %(doctor)s, slutter %(date)s.") % ctx,
                _(
                    "Du blir stående på listen, som blir en liste uten fast lege til kommunen "
                    "har fått en ny lege. Vikar eller andre leger ved kontoret tar imot deg."
                ),
                switch_right,
                _(
                    "Et bytte fordi fastlegen slutter, teller ikke som ett av dine to bytter "
                    "i året (pasientrettighetsforskriften § 6)."
                ),
            ]
        )
    if kind == Kind.AGREEMENT_CLOSED:
        return _("Du får ny fastlege fordi listen din avsluttes"), " ".join(
            [
                _("Fastlegelisten du står på (%(old)s) avsluttes %(date)s.") % ctx,
                _("Du er derfor flyttet til %(new)s fra %(date)s.") % ctx,
                not_counted,
                switch_right,
            ]
        )
    if kind == Kind.REDUCTION:
        return _("Du er flyttet til en ny fastlegeliste"), " ".join(
            [
                _(
                    "Listen du står på (%(old)s) blir redusert (fastlegeforskriften § 11). "
                    "Ved tilfeldig uttrekk er du flyttet til %(new)s fra %(date)s."
                )
                % ctx,
                _("Personer i samme husstand flyttes sammen."),
                not_counted,
                switch_right,
            ]
        )
    if kind == Kind.REMOVAL:
        return _("Vedtak om stryking fra fastlegeliste"), " ".join(
            [
                _(
                    "Kommunen har fattet vedtak om at du strykes fra listen til %(old)s "
                    "(fastlegeforskriften §§ 38–39). Du flyttes til %(new)s fra %(date)s, "
                    "og du kan ikke velge den samme fastlegen igjen."
                )
                % ctx,
                not_counted,
                _("Du kan klage på vedtaket til Statsforvalteren (fastlegeforskriften § 39)."),
                switch_right,
            ]
        )
    if kind == Kind.WAITING_LIST_PLACEMENT:
        return _("Du har fått plass fra ventelisten"), " ".join(
            [
                _("Du har fått plass hos %(new)s fra ventelisten. Byttet gjelder fra %(date)s.")
                % ctx,
                switch_right,
            ]
        )
    if kind == Kind.PLACEMENT:
        return _("Du har fått fastlege"), " ".join(
            [_("Du er tildelt plass hos %(new)s fra %(date)s.") % ctx, switch_right]
        )
    if kind == Kind.MOVED_MUNICIPALITY:
        return _("Du har flyttet: valg av fastlege"), " ".join(
            [
                _(
                    "Vi har registrert at du har flyttet til %(municipality)s. Du blir stående "
                    "hos fastlegen din til du selv ber om noe annet."
                )
                % ctx,
                _(
                    "Du kan velge en fastlege med ledig plass i %(municipality)s; et bytte "
                    "fordi du har flyttet, teller ikke som ett av dine to bytter i året "
                    "(pasientrettighetsforskriften §§ 2 og 6)."
                )
                % ctx,
                switch_right,
            ]
        )
    raise ValueError(kind)


def notify(
    resident_ids: Iterable[int],
    kind: str,
    *,
    agreement: Agreement | None = None,
    effective_on: datetime.date | None = None,
    context: dict[str, Any] | None = None,
) -> int:
    """Write the same notification to each resident (inside the caller's transaction), in
    bulk (``core.bulk.insert_rows``): a list's 1 000 or more residents at once."""
    ctx = {k: str(v) for k, v in (context or {}).items()}
    ctx.setdefault("date", _date(effective_on))
    subject, body = _text(kind, ctx)
    now = timezone.now()
    agreement_id = agreement.pk if agreement is not None else None
    return write_letters(
        (rid, kind, subject, body, agreement_id, effective_on, now) for rid in resident_ids
    )


def write_letters(rows: Iterable[tuple]) -> int:
    """Insert letters in bulk (``core.bulk.insert_rows``: COPY on PostgreSQL), unread and
    in no print batch. ``rows``: (resident id, kind, subject, body, list id or None,
    effective on, created at). The one writer of many letters: ``notify`` and the
    monthly update's step 7."""
    unread = [(*row, None, None) for row in rows]
    insert_rows(
        Notification,
        [
            "resident_id",
            "kind",
            "subject",
            "body",
            "agreement_id",
            "effective_on",
            "created_at",
            "read_at",
            "print_batch_id",
        ],
        unread,
    )
    return len(unread)


@transaction.atomic
def mark_read(actor: Any, notification: Notification | int) -> Notification:
    """The person (or their parent) has read the notification in the web app."""
    pk = notification.pk if isinstance(notification, Notification) else notification
    try:
        note = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("resident")
            .get(pk=pk)
        )
    except (Notification.DoesNotExist, ValueError, TypeError):
        refuse(Code.UNKNOWN_NOTIFICATION)
    scope = access.scope_of(actor)
    resident = note.resident
    if not (
        scope.everything
        or resident.pk in scope.residents
        or access.is_parent_acting_for_child(scope, resident, timezone.localdate())
    ):
        refuse(Code.NOT_AUTHORISED)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
        audit.record(actor, "notification.read", note)
    return note


@transaction.atomic
def create_print_batch(
    actor: Any,
    *,
    municipality: Municipality | str | None = None,
    kinds: Iterable[str] | None = None,
    created_before: datetime.datetime | None = None,
) -> NotificationBatch:
    """Collect every not yet printed notification into a new batch for print.

    National staff and the system may batch the whole country or one
    municipality; a municipality only its own residents. Refused when there
    is nothing new to print. Two batches made at the same time never share a
    notification.
    """
    muni_id: Any = getattr(municipality, "pk", municipality)
    if muni_id is None:
        access.require_system_or_national(actor)
    else:
        access.require_municipality(actor, str(muni_id))
    qs = Notification.objects.filter(print_batch__isnull=True)
    if muni_id is not None:
        qs = qs.filter(resident__municipality_id=muni_id)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if created_before is not None:
        qs = qs.filter(created_at__lt=created_before)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    batch = NotificationBatch.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        municipality_id=muni_id,
    )
    size = 0
    for start in range(0, len(ids), 5000):
        size += Notification.objects.filter(
            pk__in=ids[start : start + 5000], print_batch__isnull=True
        ).update(print_batch=batch)
    if size == 0:
        refuse(Code.NOTHING_TO_PRINT)
    batch.size = size
    batch.save(update_fields=["size"])
    audit.record(actor, "notification.print_batch", batch, size=size)
    return batch
