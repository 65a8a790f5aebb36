"""Forms of the substitute pool's pages: they parse; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.reference.models import Municipality
from fastlege.registry.models import Absence, Agreement
from fastlege.workforce.models import SubstituteRequest

DATE = forms.DateInput(attrs={"type": "date"})


class SubstituteForm(forms.Form):
    hpr_number = forms.CharField(label=_("HPR-nummer"), max_length=12)
    home_municipality = forms.ModelChoiceField(
        label=_("Bostedskommune"), queryset=Municipality.objects.none()
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Kommuner vikaren vil jobbe i"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Ingen valgt: alle kommunene i fylket."),
    )
    note = forms.CharField(
        label=_("Merknad"),
        required=False,
        max_length=limits.TEXT,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args: object, county_id: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        in_county = Municipality.objects.filter(county_id=county_id).order_by("name")
        self.fields["home_municipality"].queryset = in_county  # type: ignore[attr-defined]
        self.fields["municipalities"].queryset = in_county  # type: ignore[attr-defined]


class AvailabilityForm(forms.Form):
    valid_from = forms.DateField(label=_("Fra og med"), widget=DATE)
    valid_to = forms.DateField(
        label=_("Til (første dag etter)"),
        widget=DATE,
        help_text=_("Perioden slutter dagen før denne datoen."),
    )


class RequestForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Fastlegeliste"), queryset=Agreement.objects.none())
    reason = forms.ChoiceField(label=_("Årsak"), choices=SubstituteRequest.Reason.choices)
    absence = forms.ModelChoiceField(
        label=_("Fravær"),
        queryset=Absence.objects.none(),
        required=False,
        help_text=_("Bare når årsaken er fravær."),
    )
    valid_from = forms.DateField(label=_("Fra og med"), widget=DATE)
    valid_to = forms.DateField(
        label=_("Til (første dag etter)"),
        widget=DATE,
        help_text=_("Perioden slutter dagen før denne datoen."),
    )
    needs = forms.CharField(
        label=_("Behov"), required=False, max_length=limits.TEXT, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: object, municipality_id: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agreement"].queryset = Agreement.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id
        ).order_by("pk")
        self.fields["absence"].queryset = Absence.objects.filter(  # type: ignore[attr-defined]
            agreement__municipality_id=municipality_id
        ).order_by("-valid_from")


class BookingForm(forms.Form):
    substitute = forms.IntegerField(widget=forms.HiddenInput)
    cost = forms.DecimalField(
        label=_("Kostnad (kr)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
