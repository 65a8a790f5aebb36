"""Reads for invitations and coverage (issue 21, part 1).

Coverage per municipality: invited (an invitation to the municipality), registered
(registrations with a seat, ``pameldt``, from the municipality — pending, waiting
and cancelled ones do not count) and attended (those the organiser marked as having
come). The map colours each municipality by the furthest of these it reached.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from fastlege.core import tabular
from fastlege.dialogue.models import Meeting, Registration
from fastlege.dialogue.models_invitations import Invitation
from fastlege.reference.models import Municipality
from fastlege.stats import svg


class Status:
    """A municipality's coverage status, from least to most."""

    NOT_INVITED = "ikke_invitert"
    INVITED = "invitert"
    REGISTERED = "pameldt"
    ATTENDED = "motte"


#: Each status's colour (ColorBrewer Blues, colour-blind safe; grey: not invited)
#: and its label in the legend, in order.
STATUS_COLOURS: dict[str, str] = {
    Status.NOT_INVITED: svg.NO_DATA,
    Status.INVITED: svg.NEUTRAL[1],
    Status.REGISTERED: svg.NEUTRAL[2],
    Status.ATTENDED: svg.NEUTRAL[4],
}


def status_labels() -> dict[str, str]:
    return {
        Status.NOT_INVITED: _("ikke invitert"),
        Status.INVITED: _("invitert, ingen påmeldt"),
        Status.REGISTERED: _("påmeldt"),
        Status.ATTENDED: _("møtte"),
    }


@dataclass(frozen=True)
class CoverageRow:
    number: str
    name: str
    invited: bool
    registered: int
    attended: int

    @property
    def status(self) -> str:
        if self.attended:
            return Status.ATTENDED
        if self.registered:
            return Status.REGISTERED
        return Status.INVITED if self.invited else Status.NOT_INVITED

    @property
    def status_label(self) -> str:
        return status_labels()[self.status]


def registration_municipalities(meeting: Meeting | None) -> QuerySet[Municipality]:
    """The municipalities a registrant chooses from: the meeting's invited
    municipalities, or every municipality when none is invited."""
    rows = Municipality.objects.order_by("name")
    if meeting is None:
        return rows
    invited = Invitation.objects.filter(meeting=meeting, municipality__isnull=False)
    if invited.exists():
        return rows.filter(number__in=invited.values("municipality_id"))
    return rows


def coverage(meeting: Meeting) -> list[CoverageRow]:
    """Per municipality of the meeting's county (for a national meeting: every
    municipality invited or registered), invited / registered / attended. The caller
    has checked that the user organises the meeting (``meeting_for_organiser``)."""
    invited = set(
        meeting.invitations.filter(municipality__isnull=False).values_list(
            "municipality_id", flat=True
        )
    )
    seated = Q(status=Registration.Status.REGISTERED)
    counts: dict[str, tuple[int, int]] = {
        row["municipality_id"]: (row["registered"], row["attended"])
        for row in meeting.registrations.filter(municipality__isnull=False)
        .values("municipality_id")
        .annotate(
            registered=Count("id", filter=seated),
            attended=Count("id", filter=seated & Q(attended=True)),
        )
        .order_by()
    }
    shown = Q(number__in=invited) | Q(number__in=counts.keys())
    if meeting.county_id is not None:
        shown |= Q(county_id=meeting.county_id)
    return [
        CoverageRow(
            number=m.number,
            name=m.name,
            invited=m.number in invited,
            registered=counts.get(m.number, (0, 0))[0],
            attended=counts.get(m.number, (0, 0))[1],
        )
        for m in Municipality.objects.filter(shown).order_by("name")
    ]


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str
    count: int


def coverage_map(
    meeting: Meeting, rows: Sequence[CoverageRow]
) -> tuple[SafeString, list[LegendEntry]]:
    """The coverage as a map (the county's, or the country's for a national meeting)
    coloured by status, with its legend (status, colour and how many municipalities)."""
    labels = status_labels()
    if meeting.county_id is not None:
        numbers = [r.number for r in rows]
    else:
        numbers = list(Municipality.objects.order_by("number").values_list("number", flat=True))
    by_number = {r.number: r for r in rows}
    fills: dict[str, tuple[str, str]] = {}
    for number in numbers:
        row = by_number.get(number)
        status = row.status if row else Status.NOT_INVITED
        fills[number] = STATUS_COLOURS[status], _status_text(row, labels[status])
    drawn = svg.draw_map(
        numbers,
        fills,
        link="#kommune-{}",
        width=480,
        label=_("Kart over dekningen per kommune"),
    )
    statuses = [fills[n][0] for n in numbers]
    legend = [
        LegendEntry(colour, labels[status], statuses.count(colour))
        for status, colour in STATUS_COLOURS.items()
    ]
    return drawn, legend


def _status_text(row: CoverageRow | None, label: str) -> str:
    if row is None or not (row.registered or row.attended):
        return label
    return _("%(label)s (%(registered)s påmeldt, %(attended)s møtte)") % {
        "label": label,
        "registered": row.registered,
        "attended": row.attended,
    }


def person_invitations(meeting: Meeting) -> QuerySet[Invitation]:
    """The named people invited (personal data: the organiser's page only)."""
    return meeting.invitations.filter(municipality__isnull=True).order_by("name", "pk")


@dataclass(frozen=True)
class OpenInvitation:
    invitation: Invitation
    meeting: Meeting
    registered: int
    deadline_passed: bool


def invitations_for_municipality(
    number: str, now: datetime.datetime | None = None
) -> list[OpenInvitation]:
    """The invitations a municipality's overview shows: published meetings that have
    not ended, with how many from the municipality have registered."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = (
        Invitation.objects.filter(
            municipality_id=number, meeting__published=True, meeting__date__gte=today
        )
        .select_related("meeting")
        .annotate(
            n=Count(
                "meeting__registrations",
                filter=Q(
                    meeting__registrations__municipality_id=number,
                    meeting__registrations__status=Registration.Status.REGISTERED,
                ),
            )
        )
        .order_by("meeting__date", "meeting__start_time")
    )
    out = []
    for invitation in rows:
        deadline = invitation.meeting.registration_deadline
        out.append(
            OpenInvitation(
                invitation,
                invitation.meeting,
                registered=invitation.n,
                deadline_passed=deadline is not None and now > deadline,
            )
        )
    return out


def coverage_csv(rows: Sequence[CoverageRow]) -> bytes:
    """The coverage table for Norwegian Excel (``fastlege.core.tabular.human_csv``)."""
    columns = [
        tabular.Column("kommunenummer", _("Kommunenummer")),
        tabular.Column("kommune", _("Kommune")),
        tabular.Column("invitert", _("Invitert")),
        tabular.Column("pameldt", _("Påmeldt")),
        tabular.Column("motte", _("Møtte")),
        tabular.Column("status", _("Status"), choices=status_labels()),
    ]
    return tabular.human_csv(
        columns,
        [[r.number, r.name, r.invited, r.registered, r.attended, r.status] for r in rows],
    )
