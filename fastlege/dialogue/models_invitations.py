"""Invitations to a meeting (issue 21, part 1): the organiser invites municipalities
(all in a county in one action, or chosen ones) and named people. An invited
municipality sees the invitation on its overview page; invitees who have not
registered get one reminder before the registration deadline
(``services/invitations.py``, ``fastlege dialogue_remind``).

Coverage (invited / registered / attended per municipality) is computed from the
invitations and from ``Registration.municipality`` and ``Registration.attended``;
nothing is stored twice (``selectors_invitations.coverage``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core.fields import user_field
from fastlege.dialogue.models import Meeting


class Invitation(models.Model):
    """An invitation to a meeting: to a municipality, or to a named person (name and
    e-mail, optionally a user account). Exactly one of the two."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="invitations"
    )
    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("navn"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("brukerkonto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_by = user_field(_("invitert av"))
    invited_at = models.DateTimeField(_("invitert"), default=timezone.now)
    reminder_sent_at = models.DateTimeField(_("påminnelse sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        ordering = ["meeting", "municipality", "name", "id"]
        constraints = [
            models.CheckConstraint(
                name="invitation_municipality_or_person",
                condition=(Q(municipality__isnull=False) & Q(email=""))
                | (Q(municipality__isnull=True) & ~Q(email="")),
                violation_error_message=_(
                    "En invitasjon gjelder enten en kommune eller en navngitt person."
                ),
            ),
            models.UniqueConstraint(
                fields=["meeting", "municipality"],
                condition=Q(municipality__isnull=False),
                name="invitation_municipality_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=~Q(email=""),
                name="invitation_person_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.municipality_id or self.name}"
