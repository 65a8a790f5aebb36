"""Admin for the models added by the registry operations (issue 3).

``fastlege/registry/admin.py`` already registers full admin pages for these
models (read-only, audited reads). This module is the fallback the lead
imports from ``admin.py``: it registers a plain read-only page only for a
model that is not registered yet, so importing it is always safe and never
registers a model twice.

The records are written by :mod:`fastlege.registry.services` together with
their effects (a move, a letter, a draw); editing them by hand would break that
link or the reproducibility of a draw, so they are read-only here too.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from fastlege.core.admin_tools import ReadOnlyModelAdmin
from fastlege.registry.models import (
    ListReduction,
    Notification,
    NotificationBatch,
    PopulationEvent,
    ReductionDraw,
    RemovalDecision,
)


class PopulationEventOperationsAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = ("id", "resident", "kind", "occurred_on", "from_municipality", "to_municipality")
    list_select_related = ("resident", "from_municipality", "to_municipality")
    ordering = ("-id",)


class NotificationOperationsAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = ("id", "resident", "kind", "subject", "effective_on", "read_at", "print_batch")
    list_select_related = ("resident", "print_batch")
    ordering = ("-id",)


class NotificationBatchOperationsAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "created_at", "municipality", "size")
    list_select_related = ("municipality",)
    ordering = ("-id",)


class ListReductionOperationsAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "agreement", "effective_on", "ceiling", "to_move", "drawn", "status")
    list_select_related = ("agreement",)
    exclude = ("pseudonym_key",)  # secret: the key behind the published pseudonyms
    ordering = ("-id",)


class ReductionDrawOperationsAdmin(ReadOnlyModelAdmin):
    person_path = "resident"
    list_display = ("id", "reduction", "unit", "resident", "target_agreement")
    list_select_related = ("reduction", "resident", "target_agreement")
    ordering = ("-id",)


class RemovalDecisionOperationsAdmin(ReadOnlyModelAdmin):
    """The reason is confidential: it is not in the list, only on the audited page."""

    person_path = "resident"
    list_display = ("id", "resident", "agreement", "doctor", "decided_on")
    list_select_related = ("resident", "agreement", "doctor")
    ordering = ("-id",)


ADMINS: dict[type[models.Model], type[admin.ModelAdmin]] = {
    PopulationEvent: PopulationEventOperationsAdmin,
    Notification: NotificationOperationsAdmin,
    NotificationBatch: NotificationBatchOperationsAdmin,
    ListReduction: ListReductionOperationsAdmin,
    ReductionDraw: ReductionDrawOperationsAdmin,
    RemovalDecision: RemovalDecisionOperationsAdmin,
}

for _model, _admin_class in ADMINS.items():
    if not admin.site.is_registered(_model):
        admin.site.register(_model, _admin_class)
