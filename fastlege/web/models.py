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
