"""Forms of the ALIS pages. They parse what the user typed; the rules (dates, amounts,
the doctor by HPR number) are checked by ``services.alis``, the one place that knows
them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.registry.models import Agreement
from fastlege.workforce.models import AlisAgreement
from fastlege.workforce.services.alis import AlisData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _label(field: str) -> Any:
    return AlisAgreement._meta.get_field(field).verbose_name  # type: ignore[union-attr]


class AlisForm(forms.Form):
    doctor_hpr = forms.CharField(label=_("Legens HPR-nummer"), max_length=9)
    start = forms.DateField(label=_label("start"), widget=DATE)
    planned_completion = forms.DateField(label=_label("planned_completion"), widget=DATE)
    agreement = forms.TypedChoiceField(
        label=_label("agreement"), required=False, coerce=int, empty_value=None
    )
    supervisor_hpr = forms.CharField(label=_("Veileders HPR-nummer"), max_length=9, required=False)
    supervisor_name = forms.CharField(
        label=_label("supervisor_name"), max_length=160, required=False
    )
    guidance_group = forms.CharField(label=_label("guidance_group"), max_length=200, required=False)
    grant_applied_amount = forms.CharField(
        label=_label("grant_applied_amount"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
    )
    grant_applied_on = forms.DateField(
        label=_label("grant_applied_on"), required=False, widget=DATE
    )
    grant_received_amount = forms.CharField(
        label=_label("grant_received_amount"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
    )
    grant_received_on = forms.DateField(
        label=_label("grant_received_on"), required=False, widget=DATE
    )
    stays_after_completion = forms.ChoiceField(
        label=_label("stays_after_completion"),
        choices=AlisAgreement.Stays.choices,
        initial=AlisAgreement.Stays.UNKNOWN,
    )

    def __init__(
        self, *args: Any, municipality_id: str, fixed_doctor: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        lists = Agreement.objects.filter(municipality_id=municipality_id).order_by("pk")
        agreement_field = self.fields["agreement"]
        assert isinstance(agreement_field, forms.TypedChoiceField)
        agreement_field.choices = [("", _("ingen"))] + [
            (a.pk, str(a)) for a in lists.select_related("practice")[:2000]
        ]
        if fixed_doctor:
            self.fields["doctor_hpr"].disabled = True
            self.fields["doctor_hpr"].required = False

    @staticmethod
    def initial_of(data: AlisData) -> dict[str, Any]:
        out = {k: v for k, v in vars(data).items() if k != "agreement_id"}
        out["agreement"] = data.agreement_id or ""
        return out

    def data_object(self) -> AlisData:
        c = self.cleaned_data
        return AlisData(
            doctor_hpr=c.get("doctor_hpr") or "",
            start=c.get("start"),
            planned_completion=c.get("planned_completion"),
            agreement_id=c.get("agreement"),
            supervisor_hpr=c.get("supervisor_hpr") or "",
            supervisor_name=c.get("supervisor_name") or "",
            guidance_group=c.get("guidance_group") or "",
            grant_applied_amount=c.get("grant_applied_amount"),
            grant_applied_on=c.get("grant_applied_on"),
            grant_received_amount=c.get("grant_received_amount"),
            grant_received_on=c.get("grant_received_on"),
            stays_after_completion=c.get("stays_after_completion") or AlisAgreement.Stays.UNKNOWN,
        )


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_label("completed_on"), widget=DATE)
    stays_after_completion = forms.ChoiceField(
        label=_label("stays_after_completion"),
        choices=AlisAgreement.Stays.choices,
        initial=AlisAgreement.Stays.UNKNOWN,
    )
