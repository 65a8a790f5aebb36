"""The registry's events (an outbox) and the webhook subscriptions that deliver them.

An :class:`Event` is written by database triggers (``fastlege/events/sql.py``) in the
same transaction as every change of a list (``registry.Agreement``), a doctor's period
on a list (``registry.DoctorPeriod``) or a list place (``registry.ListMembership``),
whatever wrote it: a service, the admin or a bulk statement of the monthly update.
The event types are FLR's (``FlrEvents``, /work/shared/reference/flr.md §5).

``id`` is the order the events were written in; ``position`` is the order they were
published in, given by :func:`fastlege.events.services.publish` once the writing
transaction has committed, so a reader that has seen position *n* never later finds
a new event below *n* (an id alone could: on PostgreSQL a transaction that began
writing earlier may commit later). ``position`` is the cursor of the feed and of the
webhooks, and the key receivers deduplicate on.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.api.models import ApiClient
from fastlege.reference.models import Municipality
from fastlege.registry.models import Agreement


class EventType(models.TextChoices):
    """FLR's event names (``FlrEvents``) for the objects fastlege holds."""

    CONTRACT_CREATED = "ContractCreated", _("liste opprettet")
    CONTRACT_UPDATED = "ContractUpdated", _("liste endret")
    CONTRACT_CANCELED = "ContractCanceled", _("liste avsluttet")
    GP_CREATED = "GPOnContractCreated", _("legeperiode opprettet")
    GP_UPDATED = "GPOnContractUpdated", _("legeperiode endret")
    GP_DELETED = "GPOnContractDeleted", _("legeperiode slettet")
    PATIENT_CREATED = "PatientOnContractCreated", _("listeplass opprettet")
    PATIENT_UPDATED = "PatientOnContractUpdated", _("listeplass endret")
    PATIENT_CANCELED = "PatientOnContractCanceled", _("listeplass avsluttet")


#: The event types that are about a person (reading them is audited).
PERSON_TYPES = frozenset(
    {EventType.PATIENT_CREATED, EventType.PATIENT_UPDATED, EventType.PATIENT_CANCELED}
)


class Event(models.Model):
    """One change of a list, a doctor's period or a list place (written by triggers)."""

    id = models.BigAutoField(_("løpenummer (skriverekkefølge)"), primary_key=True)
    position = models.BigIntegerField(
        _("posisjon (publiseringsrekkefølge)"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Markøren i hendelsesstrømmen; tom til hendelsen er publisert."),
    )
    type = models.CharField(_("hendelsestype"), max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("liste"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # the event outlives a deleted list
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("listens kommune"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.BigIntegerField(_("objektets id"))
    payload = models.JSONField(
        _("innhold"), help_text=_("Objektet slik det ble (uten fødselsnummer).")
    )

    class Meta:
        verbose_name = _("hendelse")
        verbose_name_plural = _("hendelser")
        ordering = ["id"]
        indexes = [
            # The events still to be published, in the order written.
            models.Index(
                fields=["id"], condition=models.Q(position__isnull=True), name="event_unpublished"
            ),
            # A municipality's events in feed order.
            models.Index(fields=["municipality", "position"], name="event_municipality_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.position or '–'} {self.type} {self.object_id}"


class Subscription(models.Model):
    """A webhook: the events in its owner's area are POSTed to ``url``, signed."""

    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("API-klient (eier)"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    url = models.URLField(_("adresse"), max_length=500)
    secret = models.CharField(
        _("hemmelighet for signaturen"),
        max_length=100,
        help_text=_("Nøkkelen til HMAC-SHA256-signaturen; vises bare når den lages."),
    )
    event_types = models.JSONField(
        _("hendelsestyper"),
        default=list,
        blank=True,
        help_text=_("Bare disse typene sendes; tom liste betyr alle."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    cursor = models.BigIntegerField(
        _("levert til og med posisjon"),
        default=0,
        help_text=_("Posisjonen til den siste hendelsen mottakeren har bekreftet (svar 2xx)."),
    )
    failures = models.PositiveIntegerField(_("mislykkede forsøk på rad"), default=0)
    next_attempt_at = models.DateTimeField(_("neste forsøk"), default=timezone.now)
    last_error = models.CharField(_("siste feil"), max_length=300, blank=True)
    last_delivered_at = models.DateTimeField(_("sist levert"), null=True, blank=True)
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook-abonnement")
        verbose_name_plural = _("webhook-abonnementer")
        ordering = ["id"]
        indexes = [models.Index(fields=["active", "next_attempt_at"], name="subscription_due_idx")]

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"
