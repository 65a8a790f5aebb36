"""``fastlege demo_users``: one demo user per role, with fixed passwords.

Demo users and passwords (documented here and printed by the command):

=================  ======================  =========================================
username           password                role
=================  ======================  =========================================
``innbygger``      ``innbygger-demo``      citizen: an adult in Trondheim with a child
                                           under 16 in the household
``fastlege``       ``fastlege-demo``       GP: a regular GP with a list in Trondheim
``kommune``        ``kommune-demo``        municipality officer, Trondheim (5001)
``statsforvalter`` ``statsforvalter-demo`` county governor, Trøndelag (50)
``admin``          ``admin-demo-passord``  national administrator (staff, superuser)
``departement``    ``departement-demo``    the ministry (Helse- og omsorgsdepartementet):
                                           organises national meetings, consultations
                                           and the tripartite forum; reads statistics
=================  ======================  =========================================

Second factor (docs/login.md): the personas whose role needs one (``kommune``,
``statsforvalter``, ``admin``, ``departement``) each get an authenticator app with
the one documented demo secret ``DEMO_TOTP_SECRET`` (base32, 30 s, 6 digits):
``FASTLEGEDEMOFASTLEGEDEMOFASTLEGE``. Add it to an authenticator app, or, with
``DEBUG`` on (``make run``), read the current code on the code page itself. The
passwords are at least 12 characters, as the site requires.

When Trondheim is not seeded, the citizen and the GP come from the first
seeded municipality that has one. The command is idempotent: running it again
resets the passwords and the roles to the above. It refuses to run unless
DEBUG is on, so it can never create known passwords in production, and it puts
every demo user in the group «demo» (``fastlege.core.demo_accounts``), whose
members cannot log in while DEBUG is off.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastlege.accounts import second_factor
from fastlege.accounts.models import Role, RoleAssignment
from fastlege.core.demo_accounts import DEMO_GROUP, demo_accounts_allowed
from fastlege.reference.models import County, Municipality
from fastlege.registry.models import DoctorPeriod, ListMembership, Resident

#: The demo personas' authenticator secret (base32): documented, so demo only.
DEMO_TOTP_SECRET = "FASTLEGEDEMOFASTLEGEDEMOFASTLEGE"  # noqa: S105
DEMO_MUNICIPALITY = "5001"  # Trondheim
DEMO_COUNTY = "50"  # Trøndelag
SERVER = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: Role
    first_name: str
    last_name: str


DEMO_USERS = (
    DemoUser("innbygger", "innbygger-demo", Role.CITIZEN, "", ""),
    DemoUser("fastlege", "fastlege-demo", Role.GP, "", ""),
    DemoUser("kommune", "kommune-demo", Role.MUNICIPALITY, "Kari", "Kommuneoverlege"),
    DemoUser(
        "statsforvalter", "statsforvalter-demo", Role.COUNTY_GOVERNOR, "Per", "Statsforvalter"
    ),
    DemoUser("admin", "admin-demo-passord", Role.NATIONAL, "Nina", "Nasjonal"),
    DemoUser("departement", "departement-demo", Role.MINISTRY, "Dag", "Departement"),
)


def demo_citizen(municipality: str | None, today: datetime.date) -> Resident | None:
    """An adult resident with an open list place and a child under 16 in the household."""
    child_cutoff = today.replace(year=today.year - 16)
    adult_cutoff = today.replace(year=today.year - 18)
    children = Resident.objects.filter(
        Q(mother=OuterRef("pk")) | Q(father=OuterRef("pk")),
        household=OuterRef("household"),
        birth_date__gt=child_cutoff,
    )
    open_place = ListMembership.objects.filter(resident=OuterRef("pk"), valid_to__isnull=True)
    qs = Resident.objects.filter(
        status=Resident.Status.RESIDENT, in_scheme=True, birth_date__lte=adult_cutoff
    )
    if municipality:
        qs = qs.filter(municipality_id=municipality)
    return qs.filter(Exists(children), Exists(open_place)).order_by("id").first()


def demo_gp(municipality: str | None) -> DoctorPeriod | None:
    """An open regular-GP period on an open list agreement."""
    qs = DoctorPeriod.objects.filter(
        role=DoctorPeriod.Role.REGULAR, valid_to__isnull=True, agreement__valid_to__isnull=True
    ).select_related("doctor", "agreement")
    if municipality:
        qs = qs.filter(agreement__municipality_id=municipality)
    return qs.order_by("doctor__hpr_number").first()


class Command(BaseCommand):
    help = _("Lager én demobruker per rolle med faste passord (bare i demo/test).")

    def handle(self, *args: object, **options: object) -> None:
        if not demo_accounts_allowed():
            raise CommandError(
                _(
                    "Demobrukere med kjente passord lages bare når DEBUG er på "
                    "(lokal demo), aldri i produksjon. Sett DEBUG=1, eller bruk «make run»."
                )
            )
        municipality = Municipality.objects.filter(number=DEMO_MUNICIPALITY).first()
        county = County.objects.filter(number=DEMO_COUNTY).first()
        if municipality is None or county is None:
            raise CommandError(_("Referansedata mangler. Kjør «fastlege load_reference» først."))

        today = timezone.localdate()
        citizen = demo_citizen(DEMO_MUNICIPALITY, today) or demo_citizen(None, today)
        gp_period = demo_gp(DEMO_MUNICIPALITY) or demo_gp(None)

        lines: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for demo in DEMO_USERS:
                scope: dict[str, object] = {}
                user_first, user_last = demo.first_name, demo.last_name
                if demo.role == Role.CITIZEN:
                    if citizen is None:
                        self.stderr.write(
                            _(
                                "Ingen innbygger med barn funnet; kjør «fastlege seed» først. "
                                "Hopper over %(user)s."
                            )
                            % {"user": demo.username}
                        )
                        continue
                    scope = {"resident": citizen}
                    user_first, user_last = citizen.first_name, citizen.last_name
                    where = _("innbygger i %(m)s") % {"m": citizen.municipality.name}
                elif demo.role == Role.GP:
                    if gp_period is None:
                        self.stderr.write(
                            _(
                                "Ingen fastlege funnet; kjør «fastlege seed» først. "
                                "Hopper over %(user)s."
                            )
                            % {"user": demo.username}
                        )
                        continue
                    doctor = gp_period.doctor
                    scope = {"doctor": doctor}
                    user_first, user_last = doctor.first_name, doctor.last_name
                    where = _("fastlege på liste %(id)s i %(m)s") % {
                        "id": gp_period.agreement_id,
                        "m": gp_period.agreement.municipality.name,
                    }
                elif demo.role == Role.MUNICIPALITY:
                    scope = {"municipality": municipality}
                    where = _("kommunen %(name)s (%(number)s)") % {
                        "name": municipality.name,
                        "number": municipality.number,
                    }
                elif demo.role == Role.COUNTY_GOVERNOR:
                    scope = {"county": county}
                    where = _("statsforvalteren i %(c)s") % {"c": county.name}
                elif demo.role == Role.MINISTRY:
                    where = _("departementet (Helse- og omsorgsdepartementet)")
                else:
                    where = _("nasjonal administrator")
                self._ensure(demo, user_first, user_last, scope)
                lines.append((demo.username, demo.password, where))

        login = SERVER + reverse(settings.LOGIN_URL)
        self.stdout.write("")
        self.stdout.write(_("Demobrukere (bare for demo og test):"))
        self.stdout.write(_("  Logg inn på %(url)s") % {"url": login})
        self.stdout.write(
            _("  Administrasjonen (bare admin): %(url)s") % {"url": SERVER + reverse("admin:index")}
        )
        header = (_("bruker"), _("passord"), _("rolle"))
        width = max(len(u) for u, _p, _w in [header, *lines])
        pwidth = max(len(p) for _u, p, _w in [header, *lines])
        for username, password, where in [header, *lines]:
            self.stdout.write(f"  {username:<{width}}  {password:<{pwidth}}  {where}")
        self.stdout.write(
            _(
                "  Hver rolle kommer til sin egen side etter innlogging; bare admin slipper inn "
                "i administrasjonen."
            )
        )
        self.stdout.write(
            _(
                "  kommune, statsforvalter, admin og departement logger inn med engangskode: "
                "demonøkkelen %(secret)s i en autentiseringsapp, eller (med DEBUG) koden "
                "som vises på kodesiden."
            )
            % {"secret": DEMO_TOTP_SECRET}
        )
        self.stdout.write("")

    def _ensure(self, demo: DemoUser, first: str, last: str, scope: dict[str, object]) -> None:
        User = get_user_model()
        user, _created = User.objects.get_or_create(username=demo.username)
        national = demo.role == Role.NATIONAL
        user.first_name = first[:150]
        user.last_name = last[:150]
        user.is_active = True
        user.is_staff = national
        user.is_superuser = national
        user.set_password(demo.password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
        RoleAssignment.objects.filter(user=user).exclude(role=demo.role).delete()
        assignments = RoleAssignment.objects.filter(user=user, role=demo.role)
        keep = assignments.first()
        if keep is None:
            keep = RoleAssignment(user=user, role=demo.role)
        else:
            assignments.exclude(pk=keep.pk).delete()
        keep.municipality = scope.get("municipality")  # type: ignore[assignment]
        keep.county = scope.get("county")  # type: ignore[assignment]
        keep.resident = scope.get("resident")  # type: ignore[assignment]
        keep.doctor = scope.get("doctor")  # type: ignore[assignment]
        keep.full_clean()
        keep.save()
        _ensure_demo_app(user)


def _ensure_demo_app(user: Any) -> None:
    """The persona's authenticator app, with the documented demo secret, when its
    role needs a second factor; replaces any other app."""
    TOTPDevice.objects.filter(user=user).exclude(name=second_factor.DEMO_DEVICE_NAME).delete()
    if not second_factor.needs_second_factor(user):
        TOTPDevice.objects.filter(user=user).delete()
        return
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.update_or_create(
        user=user,
        name=second_factor.DEMO_DEVICE_NAME,
        defaults={"key": key, "confirmed": True, "last_t": -1, "drift": 0},
    )
