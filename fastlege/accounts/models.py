"""Roles: what a user may see and do, and where."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "innbygger", _("innbygger")
    GP = "fastlege", _("fastlege")
    MUNICIPALITY = "kommune", _("kommune")
    COUNTY_GOVERNOR = "statsforvalter", _("statsforvalter")
    NATIONAL = "nasjonal", _("nasjonal administrator")
    #: Helse- og omsorgsdepartementet: organises national meetings and consultations and
    #: is a party of the tripartite forum; reads the statistics, not the registry.
    MINISTRY = "departement", _("departementet")


class RoleAssignment(models.Model):
    """A user's role, scoped to a municipality, county, person or doctor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    county = models.ForeignKey(
        "reference.County",
        verbose_name=_("fylke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("innbygger"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    doctor = models.ForeignKey(
        "registry.Doctor",
        verbose_name=_("lege"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rolletildeling")
        verbose_name_plural = _("rolletildelinger")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    Q(role=Role.CITIZEN, resident__isnull=False)
                    | Q(role=Role.GP, doctor__isnull=False)
                    | Q(role=Role.MUNICIPALITY, municipality__isnull=False)
                    | Q(role=Role.COUNTY_GOVERNOR, county__isnull=False)
                    | Q(role=Role.NATIONAL)
                    | Q(role=Role.MINISTRY)
                ),
                violation_error_message=_("Rollen mangler kommune, fylke, person eller lege."),
            )
        ]

    def __str__(self) -> str:
        scope = self.municipality or self.county or ""
        return f"{self.get_role_display()} {scope}".strip()

    def clean(self) -> None:
        needed = {
            Role.CITIZEN: ("resident", _("En innbyggerrolle må knyttes til en innbygger.")),
            Role.GP: ("doctor", _("En fastlegerolle må knyttes til en lege.")),
            Role.MUNICIPALITY: ("municipality", _("En kommunerolle må knyttes til en kommune.")),
            Role.COUNTY_GOVERNOR: ("county", _("En statsforvalterrolle må knyttes til et fylke.")),
        }
        if self.role in needed:
            field, message = needed[Role(self.role)]
            if getattr(self, f"{field}_id") is None:
                raise ValidationError({field: message}, code="role_scope_missing")


class UsernameKey(models.Model):
    """A user's user name in canonical form (``usernames.canonical``), unique.

    The database's guard against look-alike accounts (``ａｄｍｉｎ`` beside
    ``admin``, ``Admin`` beside ``admin``): Django's user table is unique on the
    name as typed only, and neither SQLite nor PostgreSQL has a portable index on
    an NFKC case fold. Kept by the user's ``pre_save``/``post_save`` handlers
    (``signals.guard_username``/``signals.store_username_key``) in the user's own
    save, so every path that saves a user — admin, services, commands — is
    covered; the unique constraint settles two concurrent creations.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="username_key",
    )
    key = models.CharField(_("brukernavn i kanonisk form"), max_length=600, unique=True)

    class Meta:
        verbose_name = _("kanonisk brukernavn")
        verbose_name_plural = _("kanoniske brukernavn")

    def __str__(self) -> str:
        return self.key


def username_taken(username: str, *, exclude_pk: Any = None) -> bool:
    """Whether another user has the same user name in canonical form."""
    from fastlege.accounts.usernames import canonical

    taken = UsernameKey.objects.filter(key=canonical(username))
    if exclude_pk is not None:
        taken = taken.exclude(user_id=exclude_pk)
    return taken.exists()
