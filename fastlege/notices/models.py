"""Varsler: notices to users with accounts, by e-mail at once, in a daily or weekly
digest, or not at all, as each user chooses per kind (docs/notices.md).

``Kind`` is the kind of notice with its default frequency (``DEFAULTS``). A
``NoticePreference`` row exists only where the user chose; no row means the default.
``notify`` (services.py) writes a ``Notice`` for each notice that goes by e-mail; at
once it is bound to its own ``NoticeEmail`` in the same transaction, otherwise it waits
(``due_at``) for the digest, which binds every due notice of a user to one
``NoticeEmail`` in one transaction. A ``NoticeEmail`` is the recorded send: it is
delivered after the commit, and ``send-digests`` retries any not yet delivered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notice is about; each user chooses a frequency per kind."""

    INVITATION = "invitasjon", _("Invitasjoner til møter og påminnelser")
    ACTION = "oppfolging", _("Endringer i oppfølgingspunkter (hvem gjør hva)")
    CONSULTATION = "horing", _("Nye høringer og endrede frister")
    PLACE_OPENED = "ledig_plass", _("Ledig plass hos en fastlege du følger med på")
    RECEIPT = "kvittering", _("Kvitteringer for det du har gjort (kopi på e-post)")


class Frequency(models.TextChoices):
    NOW = "straks", _("Med en gang")
    DAILY = "daglig", _("Samlet én gang om dagen")
    WEEKLY = "ukentlig", _("Samlet én gang i uken")
    NONE = "aldri", _("Ikke på e-post")


#: The frequency of a kind for a user who has not chosen.
DEFAULTS: dict[str, str] = {
    Kind.INVITATION: Frequency.NOW,
    Kind.ACTION: Frequency.DAILY,
    Kind.CONSULTATION: Frequency.WEEKLY,
    Kind.PLACE_OPENED: Frequency.NOW,
    Kind.RECEIPT: Frequency.NOW,
}


class NoticePreference(models.Model):
    """Varselinnstilling: how often a user wants e-mail of one kind of notice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # covered by notice_preference_one_per_kind
    )
    kind = models.CharField(_("type varsel"), max_length=20, choices=Kind.choices)
    frequency = models.CharField(_("hyppighet"), max_length=10, choices=Frequency.choices)
    updated_at = models.DateTimeField(_("sist endret"), default=timezone.now)

    class Meta:
        verbose_name = _("varselinnstilling")
        verbose_name_plural = _("varselinnstillinger")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_frequency_display()}"


class NoticeEmail(models.Model):
    """Utgående varsel-e-post: one e-mail recorded for sending (one notice at once, or a
    digest of several). Delivered after the commit; retried until ``sent_at`` is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    to = models.EmailField(_("mottaker"), max_length=254)
    kind = models.CharField(
        _("type varsel"),
        max_length=20,
        choices=Kind.choices,
        blank=True,
        help_text=_("Tomt for en samle-e-post (daglig eller ukentlig) med flere typer."),
    )
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"))
    created_at = models.DateTimeField(_("registrert"), default=timezone.now)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)

    class Meta:
        verbose_name = _("utgående varsel-e-post")
        verbose_name_plural = _("utgående varsel-e-poster")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="notice_email_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class Notice(models.Model):
    """Varsel: one notice to a user that goes by e-mail, at once or in a digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("type varsel"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"))
    url = models.CharField(_("lenke"), max_length=500, blank=True)
    frequency = models.CharField(
        _("hyppighet"),
        max_length=10,
        choices=Frequency.choices,
        help_text=_("Brukerens valg da varselet ble laget."),
    )
    created_at = models.DateTimeField(_("laget"), default=timezone.now)
    due_at = models.DateTimeField(
        _("sendes fra"), help_text=_("Tidligste tidspunkt varselet sendes (samle-e-post).")
    )
    email = models.ForeignKey(
        NoticeEmail,
        verbose_name=_("e-post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
        help_text=_("E-posten varselet ble sendt i (tomt: venter på samle-e-post)."),
    )

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["due_at", "user"],
                condition=Q(email__isnull=True),
                name="notice_queued_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
