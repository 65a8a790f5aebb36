"""Forms of the web pages. Every error message is Norwegian (bokmål)."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from fastlege.accounts.forms import LOCKED_MESSAGE, LockedMessageMixin
from fastlege.core.admin_tools import NIN_HTML_PATTERN, NIN_PATTERN
from fastlege.core.converters import MAX_ID
from fastlege.registry.models import Absence, Doctor, DoctorPeriod, Practice
from fastlege.registry.services.practice import INFO_FIELDS
from fastlege.registry.validators import LANGUAGES
from fastlege.web import geo


class LoginForm(LockedMessageMixin, AuthenticationForm):
    """Django's log-in form; the limit on failed attempts is the authentication
    backend's (``fastlege.accounts.backends``), this form only words its refusal."""

    error_messages = {
        "invalid_login": _("Feil brukernavn eller passord. Prøv igjen."),
        "inactive": _("Brukeren er sperret."),
        "locked": LOCKED_MESSAGE,
    }


def first_of_month_choices(dates: list[datetime.date]) -> list[tuple[str, str]]:
    return [(d.isoformat(), d.strftime("%d.%m.%Y")) for d in dates]


class PlainSelect(forms.Select):
    """A ``<select>`` whose options are written out in Python.

    Django renders every option through its own template; for the 357
    municipalities of the GP search that took about 20 ms of every search page
    (measured on the national seed). Same markup: the field's attributes (id,
    ``aria-*``), each value and label escaped, the chosen value ``selected``. For
    flat choices only (no option groups)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for v, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308 (escaped above)


class SearchForm(forms.Form):
    kommune = forms.ChoiceField(label=_("Kommune"), required=False, widget=PlainSelect)
    postnummer = forms.RegexField(
        label=_("Eller postnummer"),
        regex=r"^\d{4}$",
        max_length=4,
        required=False,
        error_messages={"invalid": _("Postnummeret må ha fire siffer.")},
    )
    bare_ledige = forms.BooleanField(label=_("Vis bare lister som tar imot nye"), required=False)
    kjonn = forms.ChoiceField(
        label=_("Legens kjønn"),
        required=False,
        choices=[("", _("Alle")), ("K", _("Kvinne")), ("M", _("Mann"))],
    )
    sprak = forms.ChoiceField(
        label=_("Legen snakker"),
        required=False,
        choices=[("", _("Alle språk")), *sorted(LANGUAGES.items(), key=lambda kv: kv[1])],
    )
    spesialist = forms.ChoiceField(
        label=_("Spesialist i allmennmedisin"),
        required=False,
        choices=[("", _("Alle")), *Doctor.Specialty.choices],
    )
    maks_km = forms.IntegerField(
        label=_("Høyst så mange km fra postnummeret"),
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={
            "invalid": _("Skriv avstanden som et helt antall kilometer."),
            "min_value": _("Avstanden må være minst 1 km."),
            "max_value": _("Avstanden kan være høyst 1000 km."),
        },
    )
    sortering = forms.ChoiceField(
        label=_("Sorter etter"),
        required=False,
        choices=[("ledige", _("Flest ledige plasser")), ("avstand", _("Avstand fra postnummeret"))],
    )

    # A place picked on the map (the page's script fills these in; without it, the
    # postal code is the way to search by distance).
    lat = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Stedet på kartet har en ugyldig breddegrad.")},
    )
    lon = forms.FloatField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("Stedet på kartet har en ugyldig lengdegrad.")},
    )

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["kommune"]).choices = [
            ("", _("Velg kommune")),
            *municipalities,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("kommune") and not data.get("postnummer"):
            raise forms.ValidationError(_("Velg en kommune eller skriv et postnummer."))
        self._clean_place(data)
        if not data.get("postnummer") and data.get("lat") is None:
            if data.get("maks_km"):
                self.add_error("maks_km", _("Skriv et postnummer for å søke etter avstand."))
            if data.get("sortering") == "avstand":
                self.add_error("sortering", _("Skriv et postnummer for å sortere etter avstand."))
        return data

    def _clean_place(self, data: dict[str, Any]) -> None:
        """Both coordinates or neither, inside Norway (``geo.LAT_RANGE``/``LON_RANGE``);
        else the form says why in Norwegian and nothing is searched."""
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None and lon is None) or "lat" in self.errors or "lon" in self.errors:
            return
        if lat is None or lon is None:
            message = _("Stedet på kartet mangler bredde- eller lengdegrad. Velg stedet på nytt.")
        elif not (
            geo.LAT_RANGE[0] <= lat <= geo.LAT_RANGE[1]
            and geo.LON_RANGE[0] <= lon <= geo.LON_RANGE[1]
        ):
            message = _(
                "Stedet du valgte er utenfor Norge. Velg et sted på kartet over kommunen, "
                "eller skriv et postnummer."
            )
        else:
            return
        self.add_error(None, message)


def _https_urls(field: Any, **kwargs: Any) -> Any:
    """Model form fields; a web address written without a scheme gets https://."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PracticeInfoForm(forms.ModelForm):
    """What a practice tells citizens (``registry.services.practice.INFO_FIELDS``)."""

    class Meta:
        model = Practice
        formfield_callback = _https_urls
        fields = list(INFO_FIELDS)
        error_messages = {
            "website": {"invalid": _("Skriv en gyldig nettadresse, som https://legekontoret.no.")},
            "booking_url": {
                "invalid": _("Skriv en gyldig nettadresse, som https://legekontoret.no/time.")
            },
        }
        widgets = {
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone and not re.fullmatch(r"\+?[0-9 ]{8,15}", phone):
            raise forms.ValidationError(
                _("Skriv telefonnummeret med siffer, for eksempel 22 12 34 56.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Fyll ut både breddegrad og lengdegrad, eller ingen."))
        return data


class ListChoiceForm(forms.Form):
    agreement = forms.IntegerField(
        min_value=1, max_value=MAX_ID, error_messages={"invalid": _("Ugyldig liste.")}
    )


class CeilingRequestForm(forms.Form):
    new_ceiling = forms.IntegerField(
        label=_("Nytt listetak"),
        min_value=0,
        max_value=2500,
        error_messages={
            "invalid": _("Listetaket må være et heltall."),
            "min_value": _("Listetaket kan ikke være negativt."),
            "max_value": _("Listetaket kan ikke være over 2 500 (fastlegeforskriften § 10)."),
        },
    )
    effective_on = forms.ChoiceField(label=_("Gjelder fra"))

    def __init__(self, *args: Any, firsts: list[datetime.date], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["effective_on"]).choices = first_of_month_choices(
            firsts
        )


class CeilingDecisionForm(forms.Form):
    shorter_notice_approved = forms.BooleanField(
        label=_("Kortere varsel enn seks måneder godkjennes (§ 11)"), required=False
    )
    low_ceiling_approved = forms.BooleanField(
        label=_("Listetak under 500 godkjennes (§ 10)"), required=False
    )
    reason = forms.CharField(label=_("Begrunnelse"), required=False, max_length=2000)


class AbsenceForm(forms.Form):
    """The GP reports an absence: the first and the last day away (a one-day absence has
    the same day twice), and may propose a substitute by HPR number."""

    valid_from = forms.DateField(
        label=_("Første fraværsdag"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=_("Siste fraværsdag (valgfritt)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tom hvis du ikke vet når du er tilbake."),
    )
    reason = forms.ChoiceField(label=_("Årsak"), choices=Absence.Reason.choices)
    substitute_hpr = forms.CharField(
        label=_("Foreslått vikar, HPR-nummer (valgfritt)"),
        required=False,
        max_length=9,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("valid_from"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("Siste fraværsdag kan ikke være før den første."))
        return data

    @property
    def back_on(self) -> datetime.date | None:
        """The first day back (the absence's ``valid_to``): the day after the last day."""
        last = self.cleaned_data.get("last_day")
        return last + datetime.timedelta(days=1) if last else None


class AbsenceDecisionForm(forms.Form):
    """The municipality decides a reported absence (``registry.services.decide_absence``)."""

    decision = forms.ChoiceField(
        label=_("Avgjørelse"),
        widget=forms.RadioSelect,
        choices=[
            ("godkjenn", _("Godkjenn med vikar")),
            ("uten_vikar", _("Godkjenn uten vikar")),
            ("avslaa", _("Avslå den foreslåtte vikaren")),
        ],
    )
    substitute_hpr = forms.CharField(
        label=_("Vikar, HPR-nummer"),
        required=False,
        max_length=9,
        help_text=_("Tom: vikaren fastlegen foreslo."),
    )
    note = forms.CharField(
        label=_("Merknad (påkrevd ved avslag)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


#: The departures a municipality registers; "taken over" and "period ended" are set by
#: the takeover and by substitute periods themselves.
GP_LEAVES_REASONS = [
    (value, label)
    for value, label in DoctorPeriod.EndReason.choices
    if value not in (DoctorPeriod.EndReason.TAKEN_OVER, DoctorPeriod.EndReason.PERIOD_ENDED)
]


class GpLeavesForm(forms.Form):
    end_date = forms.DateField(
        label=_("Siste dag er dagen før"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_reason = forms.ChoiceField(label=_("Årsak"), choices=GP_LEAVES_REASONS)
    reason_text = forms.CharField(
        label=_("Begrunnelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kreves når kommunen sier opp avtalen (saklig grunn), ved vesentlig mislighold "
            "og ved «annet» (fastlegeforskriften § 12)."
        ),
    )
    notice_given_on = forms.DateField(
        label=_("Oppsigelse gitt"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tom: i dag. Oppsigelsestiden er seks måneder (fastlegeforskriften § 12)."),
    )
    shorter_notice_agreed = forms.BooleanField(
        label=_("Kortere oppsigelsestid er avtalt mellom kommunen og legen (§ 12)"),
        required=False,
    )


class ExtensionForm(forms.Form):
    valid_until = forms.DateField(
        label=_("Avtalen forlenges til (den 1. i en måned)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Begrunnelse for vedtaket"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignGpForm(forms.Form):
    hpr_number = forms.RegexField(
        label=_("HPR-nummer"),
        regex=r"^\d{7,9}$",
        max_length=9,
        error_messages={"invalid": _("HPR-nummeret har 7 til 9 siffer.")},
    )
    valid_from = forms.DateField(
        label=_("Fra dato"), widget=forms.DateInput(attrs={"type": "date"})
    )
    take_over = forms.BooleanField(
        label=_("Ny lege overtar listen fra en lege som slutter (§ 9)"), required=False
    )


class SubstituteForm(forms.Form):
    hpr_number = forms.RegexField(
        label=_("Vikarens HPR-nummer"),
        regex=r"^\d{7,9}$",
        max_length=9,
        error_messages={"invalid": _("HPR-nummeret har 7 til 9 siffer.")},
    )
    valid_from = forms.DateField(
        label=_("Fra dato"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(label=_("Til dato"), widget=forms.DateInput(attrs={"type": "date"}))
    percentage = forms.IntegerField(label=_("Stillingsprosent"), min_value=1, max_value=100)


class NewListForm(forms.Form):
    practice = forms.ChoiceField(label=_("Legekontor"))
    ceiling = forms.IntegerField(label=_("Listetak"), min_value=0, max_value=2500)
    valid_from = forms.DateField(
        label=_("Fra dato"), widget=forms.DateInput(attrs={"type": "date"})
    )
    low_ceiling_approved = forms.BooleanField(
        label=_("Listetak under 500 er godkjent av kommunen (§ 10)"), required=False
    )
    is_salaried = forms.BooleanField(label=_("Fastlønnet (kommunalt ansatt)"), required=False)

    def __init__(self, *args: Any, practices: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["practice"]).choices = practices


class ReductionForm(forms.Form):
    effective_on = forms.ChoiceField(label=_("Gjelder fra"))
    target = forms.IntegerField(label=_("Flytt til liste (nummer)"), min_value=1, max_value=MAX_ID)
    count = forms.IntegerField(label=_("Antall personer"), min_value=1, max_value=100_000)

    def __init__(self, *args: Any, firsts: list[datetime.date], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["effective_on"]).choices = first_of_month_choices(
            firsts
        )


def contains_nin(value: str) -> bool:
    return bool(NIN_PATTERN.search(value or ""))


class OfficerForm(forms.Form):
    username = forms.CharField(label=_("Brukernavn"), max_length=150)
    first_name = forms.CharField(label=_("Fornavn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Etternavn"), max_length=150, required=False)


class FollowUpForm(forms.Form):
    """The county governor's note on a municipality and the day of the last contact
    (the service refuses a date in the future and identity numbers in the note)."""

    note = forms.CharField(
        label=_("Notat"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Notatet kan ha høyst %(limit_value)d tegn.")},
    )
    last_contacted = forms.DateField(
        label=_("Sist kontaktet"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Skriv datoen som åååå-mm-dd.")},
    )


class ImpactForm(forms.Form):
    """A proposed lower ceiling and the day it takes effect (the reduction impact view)."""

    tak = forms.IntegerField(label=_("Nytt listetak"), min_value=0, max_value=10000)
    fra = forms.ChoiceField(label=_("Gjelder fra"))

    def __init__(self, *args: Any, firsts: list[datetime.date], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["fra"]).choices = first_of_month_choices(firsts)


class WindDownForm(forms.Form):
    """The municipality registers a shared-list wind-down (deleliste,
    ``registry.services.register_wind_down``); ``lists``: the choice of lists."""

    agreement = forms.TypedChoiceField(label=_("Liste"), coerce=int)
    valid_from = forms.DateField(
        label=_("Nedtrappingen starter"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hand_over_on = forms.DateField(
        label=_("Overdragelse (første dag uten fastlegen som trapper ned)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    successor_hpr = forms.RegexField(
        label=_("Ny fastlege, HPR-nummer (valgfritt)"),
        regex=r"^\d{7,9}$",
        max_length=9,
        required=False,
        help_text=_("Tom hvis det ikke er avklart hvem som overtar."),
        error_messages={"invalid": _("HPR-nummeret har 7 til 9 siffer.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Merknad (valgfritt)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, lists: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["agreement"]).choices = lists


class WindDownSuccessorForm(forms.Form):
    """Name or change the successor of a wind-down (blank: not known after all)."""

    successor_hpr = forms.RegexField(
        label=_("Ny fastlege, HPR-nummer"),
        regex=r"^\d{7,9}$",
        max_length=9,
        required=False,
        help_text=_("Tom: ingen etterfølger er avklart."),
        error_messages={"invalid": _("HPR-nummeret har 7 til 9 siffer.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class WindDownCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Hvorfor avbrytes delelisten? (valgfritt)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MemberSearchForm(forms.Form):
    """The GP searches their list by name. A GET form, so the term is in the URL: an
    identity number is refused by the browser (``pattern``) and by the form."""

    navn = forms.CharField(
        label=_("Søk på navn"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"pattern": NIN_HTML_PATTERN, "autocomplete": "off"}),
        help_text=_("Fornavn eller etternavn, eller begynnelsen av dem. Ikke fødselsnummer."),
    )
    #: The keyset: the last resident id of the page before; anything else is the first page.
    etter = forms.CharField(required=False, max_length=20)

    def clean_etter(self) -> int | None:
        value = str(self.cleaned_data.get("etter") or "")
        return int(value) if value.isdigit() and int(value) <= MAX_ID else None

    def clean_navn(self) -> str:
        term = " ".join(str(self.cleaned_data.get("navn") or "").split())
        if contains_nin(term):
            raise forms.ValidationError(
                _("Søk på navn. Fødselsnummer kan ikke brukes her, fordi søket står i adressen.")
            )
        return term
