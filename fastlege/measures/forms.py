"""Forms of the measures pages. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.measures.models import (
    Category,
    Demand,
    Measure,
    MeasureType,
    TargetGroup,
    ValueBasis,
    ValueUnit,
)
from fastlege.measures.services import MeasureData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureForm(forms.Form):
    measure_type = forms.ModelChoiceField(MeasureType.objects.none(), label=_("tiltakstype"))
    status = forms.ChoiceField(label=_("status"), choices=Measure.Status.choices)
    value = forms.DecimalField(
        label=_("verdi"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    unit = forms.ChoiceField(
        label=_("enhet"),
        choices=[("", _("tiltakstypens enhet")), *ValueUnit.choices],
        required=False,
    )
    value_basis = forms.ChoiceField(label=_("verdien gjelder"), choices=ValueBasis.choices)
    target_group = forms.ChoiceField(label=_("målgruppe"), choices=TargetGroup.choices)
    decision_body = forms.CharField(
        label=_("vedtaksorgan"),
        max_length=200,
        required=False,
        help_text=_("For eksempel formannskapet."),
    )
    decided_on = forms.DateField(label=_("vedtaksdato"), widget=DATE, required=False)
    starts_on = forms.DateField(label=_("starter"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("slutter"), widget=DATE, required=False)
    description = forms.CharField(
        label=_("beskrivelse"), widget=forms.Textarea, required=False, max_length=limits.LONG_TEXT
    )
    document_reference = forms.CharField(
        label=_("dokumentreferanse"),
        max_length=300,
        required=False,
        help_text=_("Saksnummer, vedtak eller lenke til saksdokumentet."),
    )
    confirm_outbidding = forms.BooleanField(
        label=_("Jeg har sett varselet om overbud og vil lagre likevel"), required=False
    )

    def __init__(self, *args: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].queryset = types  # type: ignore[attr-defined]

    def data_object(self) -> MeasureData:
        d = self.cleaned_data
        return MeasureData(
            measure_type_id=d["measure_type"].pk,
            status=d["status"],
            value=d["value"],
            unit=d["unit"] or "",
            value_basis=d["value_basis"],
            target_group=d["target_group"],
            decision_body=d["decision_body"],
            decided_on=d["decided_on"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            description=d["description"],
            document_reference=d["document_reference"],
        )

    @classmethod
    def initial_for(cls, measure: Measure) -> dict[str, Any]:
        return {
            "measure_type": measure.measure_type_id,
            "status": measure.status,
            "value": measure.value,
            "unit": measure.unit,
            "value_basis": measure.value_basis,
            "target_group": measure.target_group,
            "decision_body": measure.decision_body,
            "decided_on": measure.decided_on,
            "starts_on": measure.starts_on,
            "ends_on": measure.ends_on,
            "description": measure.description,
            "document_reference": measure.document_reference,
        }


class TypeProposalForm(forms.Form):
    municipality = forms.ChoiceField(label=_("kommune"))
    name = forms.CharField(label=_("navn på tiltakstypen"), max_length=200)
    category = forms.ChoiceField(label=_("kategori"), choices=Category.choices)
    unit = forms.ChoiceField(label=_("enhet for verdien"), choices=ValueUnit.choices)
    description = forms.CharField(
        label=_("beskrivelse"), widget=forms.Textarea, required=False, max_length=limits.LONG_TEXT
    )

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipalities  # type: ignore[attr-defined]


class DemandListForm(forms.Form):
    title = forms.CharField(label=_("tittel"), max_length=200)
    submitted_by = forms.CharField(
        label=_("fra"), max_length=200, help_text=_("Fastlegegruppen som stiller kravene.")
    )
    received_on = forms.DateField(label=_("mottatt"), widget=DATE, required=False)
    document_reference = forms.CharField(
        label=_("dokumentreferanse"), max_length=300, required=False
    )
    demands = forms.CharField(
        label=_("krav, ett per linje"),
        widget=forms.Textarea,
        max_length=limits.LONG_TEXT,
        help_text=_("Koble hvert krav til en tiltakstype etterpå, i svaret på kravet."),
    )

    def lines(self) -> list[tuple[str, int | None]]:
        return [
            (line.strip().lstrip("•-* ").strip(), None)
            for line in self.cleaned_data["demands"].splitlines()
            if line.strip().lstrip("•-* ").strip()
        ]


class DemandAnswerForm(forms.Form):
    """The choices are given, read once for all the demands of a page."""

    status = forms.ChoiceField(label=_("status i kommunens svar"), choices=Demand.Status.choices)
    measure_type = forms.TypedChoiceField(
        label=_("tiltakstype kravet gjelder"), coerce=int, empty_value=None, required=False
    )
    measure = forms.TypedChoiceField(
        label=_("kommunens tiltak som svarer på kravet"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    answer = forms.CharField(
        label=_("kommunens svar"), widget=forms.Textarea, required=False, max_length=limits.TEXT
    )

    def __init__(self, *args: Any, choices: tuple[list[Any], list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types, measures = choices
        self.fields["measure_type"].choices = [("", "---------"), *types]  # type: ignore[attr-defined]
        self.fields["measure"].choices = [("", "---------"), *measures]  # type: ignore[attr-defined]

    @staticmethod
    def choices_for(municipality_id: str) -> tuple[list[Any], list[Any]]:
        types = list(
            MeasureType.objects.filter(status=MeasureType.Status.APPROVED).values_list("pk", "name")
        )
        measures = [
            (m.pk, f"{m.measure_type.name} ({m.get_status_display()})")
            for m in Measure.objects.filter(municipality_id=municipality_id).select_related(
                "measure_type"
            )
        ]
        return types, measures
