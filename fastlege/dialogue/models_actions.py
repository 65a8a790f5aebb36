"""Group work and what each does next (issue 21, part 3).

A group's questions are rows (``GroupQuestion``), each with the group's answer
as its rapporteur or the organiser recorded it. A follow-up action's status
changes are rows (``ActionStatusChange``): who changed it, when, from what to
what, and why — the history the owner and the organiser both read.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field
from fastlege.dialogue.models import FollowUpAction, WorkGroup

__all__ = ["ActionStatusChange", "GroupQuestion"]


class GroupQuestion(models.Model):
    """A question a group works on, and the group's answer."""

    group = models.ForeignKey(
        WorkGroup, verbose_name=_("gruppe"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("spørsmål"))
    answer = models.TextField(_("svar"), blank=True)
    answered_by = user_field(_("svar registrert av"))
    answered_at = models.DateTimeField(_("svar registrert"), null=True, blank=True)

    class Meta:
        verbose_name = _("spørsmål til gruppe")
        verbose_name_plural = _("spørsmål til grupper")
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(fields=["group", "position"], name="group_question_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class ActionStatusChange(models.Model):
    """One change of a follow-up action's status (the first row is its creation)."""

    action = models.ForeignKey(
        FollowUpAction,
        verbose_name=_("oppfølgingspunkt"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    old_status = models.CharField(
        _("fra status"), max_length=10, choices=FollowUpAction.Status, blank=True
    )
    new_status = models.CharField(_("til status"), max_length=10, choices=FollowUpAction.Status)
    comment = models.TextField(_("kommentar"), blank=True, max_length=2000)
    changed_by = user_field(_("endret av"))
    changed_at = models.DateTimeField(_("endret"), default=timezone.now)

    class Meta:
        verbose_name = _("statusendring for oppfølgingspunkt")
        verbose_name_plural = _("statusendringer for oppfølgingspunkter")
        ordering = ["action", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.old_status or '–'} → {self.new_status}"
