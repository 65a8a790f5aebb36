"""Forms for the recruitment pages: they parse; the rules are checked by
``services.recruitment`` (the one place that knows them)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.workforce.models import RecruitmentCase

DATE = forms.DateInput(attrs={"type": "date"})


def _label(name: str) -> Any:
    return getattr(RecruitmentCase._meta.get_field(name), "verbose_name", name)


class OpenCaseForm(forms.Form):
    agreement = forms.TypedChoiceField(label=_("Liste"), coerce=int)
    note = forms.CharField(
        label=_label("note"),
        required=False,
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, lists: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agreement"]).choices = [
            (a.pk, _("%(practice)s, liste %(id)s") % {"practice": a.practice.name, "id": a.pk})
            for a in lists
        ]


class AdvertiseForm(forms.Form):
    advertised_on = forms.DateField(label=_("Utlyst dato"), widget=DATE)
    deadline = forms.DateField(label=_label("deadline"), widget=DATE)
    channel = forms.ChoiceField(label=_label("channel"), choices=RecruitmentCase.Channel.choices)


class ApplicantsForm(forms.Form):
    applicants = forms.IntegerField(label=_label("applicants"), min_value=0, max_value=1000)


class InterviewsForm(forms.Form):
    interviews_on = forms.DateField(label=_label("interviews_on"), widget=DATE)
    interviewed = forms.IntegerField(label=_label("interviewed"), min_value=0, max_value=1000)


class OfferForm(forms.Form):
    offered_on = forms.DateField(label=_label("offered_on"), widget=DATE)
    hpr_number = forms.CharField(label=_("Legens HPR-nummer"), max_length=9)


class FillForm(forms.Form):
    valid_from = forms.DateField(label=_("Første dag som fastlege på listen"), widget=DATE)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_label("closed_on"), widget=DATE)
    reason = forms.CharField(
        label=_label("close_reason"),
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeasuresForm(forms.Form):
    measures = forms.TypedMultipleChoiceField(
        label=_label("measures"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, measures: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["measures"]).choices = [
            (m.pk, f"{m.measure_type.name} ({m.get_status_display()})") for m in measures
        ]
