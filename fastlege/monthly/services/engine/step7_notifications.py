"""Step 7: a letter to everyone the run placed (steps 4–5).

Moves of steps 1–3 were decided earlier and the person was told then
(fastlegeforskriften §§ 9, 11, 39; placements by hand); an ordinary switch gets no
letter (helsenorge: no confirmation is sent).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from fastlege.monthly.services.engine.state import (
    Rule,
    Step,
)
from fastlege.monthly.services.engine.writing import Writing
from fastlege.registry.models import (
    Agreement,
    DoctorPeriod,
    Notification,
)
from fastlege.registry.periods import in_force_on
from fastlege.registry.services import notifications as letters


class Notifications(Writing):
    def step7_notifications(self) -> int:
        """A letter to everyone the run placed (steps 4–5).

        Moves of steps 1–3 were decided earlier and the person was told then
        (reduction § 11, removal § 39, closing § 9, placement); an ordinary
        switch gets no letter (helsenorge: no confirmation is sent).
        """
        targets = sorted(
            {mv.to_list for mv in self.out.moves if mv.step >= Step.UNASSIGNED and mv.to_list}
        )
        labels = _list_labels(targets, self.month)
        date = f"{self.month:%d.%m.%Y}"
        texts: dict[tuple[str, int], tuple[str, str]] = {}
        rows: list[tuple] = []
        for mv in self.out.moves:
            if mv.step < Step.UNASSIGNED or mv.to_list is None:
                continue
            kind = (
                Notification.Kind.WAITING_LIST_PLACEMENT
                if mv.rule == Rule.WAITING_LIST
                else Notification.Kind.PLACEMENT
            )
            key = (kind, mv.to_list)
            if key not in texts:
                texts[key] = letters._text(kind, {"new": labels[mv.to_list], "date": date})
            subject, body = texts[key]
            rows.append((mv.resident, str(kind), subject, body, mv.to_list, self.month, self.now))
        return letters.write_letters(rows)


def _list_labels(list_ids: list[int], on: datetime.date) -> dict[int, str]:
    """How each list is named in a letter (as ``notifications.list_label``), in two queries."""
    practice = dict(Agreement.objects.filter(pk__in=list_ids).values_list("pk", "practice__name"))
    gp: dict[int, str] = {}
    for agreement_id, first, last in (
        DoctorPeriod.objects.filter(
            in_force_on(on), agreement_id__in=list_ids, role=DoctorPeriod.Role.REGULAR
        )
        .order_by("agreement_id", "-valid_from")
        .values_list("agreement_id", "doctor__first_name", "doctor__last_name")
    ):
        gp.setdefault(agreement_id, f"{first} {last}")
    labels = {}
    for pk in list_ids:
        if pk in gp:
            labels[pk] = _("fastlege %(doctor)s ved %(practice)s") % {
                "doctor": gp[pk],
                "practice": practice[pk],
            }
        else:
            labels[pk] = _("liste uten fast lege ved %(practice)s") % {"practice": practice[pk]}
    return labels
