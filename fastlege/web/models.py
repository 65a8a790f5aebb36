"""The web pages' read model: the length of every list, kept by the database.

``ListLength`` holds, per list agreement, how many residents are on it now (open list
places: ``ListMembership.valid_to IS NULL``). Database triggers on the membership
table keep it (``fastlege/web/listlength_sql.py``), in the same transaction as every
write to that table, whoever writes it: the registry's services, the monthly update
(COPY and ``UPDATE … FROM unnest``), the seed, the admin. No Python code has to
remember to update it, so the monthly engine and the seed are untouched.

The pages read a municipality's list lengths from here (one indexed join) instead of
counting 780 000 index entries for Oslo on every request. The ceiling check of a
switch still counts live under a row lock (``request_switch``); this table is for
showing, never for deciding.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListLength(models.Model):
    agreement = models.OneToOneField(
        "registry.Agreement",
        verbose_name=_("liste"),
        primary_key=True,
        on_delete=models.DO_NOTHING,  # an agreement is never deleted outside tests
        db_constraint=False,  # written by triggers only; no FK to check on every COPY
        related_name="+",
    )
    members = models.IntegerField(_("innbyggere på listen nå"), default=0)

    class Meta:
        verbose_name = _("listelengde")
        verbose_name_plural = _("listelengder")

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.members}"


class UnassignedCount(models.Model):
    """Per home municipality, how many residents are unassigned (ufordelte) now:
    resident, in the scheme, on no list. Kept by database triggers on the residents and
    the memberships (``fastlege/web/unassigned_sql.py``), like ``ListLength``, so the
    municipality page reads one row instead of looking at every resident (Oslo:
    780 000). For showing, never for deciding."""

    municipality = models.OneToOneField(
        "reference.Municipality",
        verbose_name=_("kommune"),
        primary_key=True,
        on_delete=models.DO_NOTHING,  # a municipality is never deleted outside tests
        db_constraint=False,  # written by triggers only
        related_name="+",
    )
    unassigned = models.IntegerField(_("ufordelte nå"), default=0)

    class Meta:
        verbose_name = _("antall ufordelte")
        verbose_name_plural = _("antall ufordelte")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.unassigned}"
