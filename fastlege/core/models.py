"""Cross-cutting models: the audit trail."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field


class AuditEvent(models.Model):
    """One row per write, and per read of a person's data.

    Written in the same transaction as the change it describes, so a change
    without its audit row can never be committed.
    """

    class Kind(models.TextChoices):
        WRITE = "write", _("endring")
        READ = "read", _("innsyn")
        REFUSED = "refused", _("avvist")

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor = user_field(_("utført av"), on_delete=models.PROTECT)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    action = models.CharField(_("handling"), max_length=80)
    object_type = models.CharField(_("objekttype"), max_length=80, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=40, blank=True)
    reason = models.CharField(_("begrunnelse"), max_length=200, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    class Meta:
        verbose_name = _("revisjonslogg-hendelse")
        verbose_name_plural = _("revisjonslogg")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d.%m.%Y %H:%M} {self.action}"
