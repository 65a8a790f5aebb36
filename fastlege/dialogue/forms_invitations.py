"""Forms of the invitation pages (issue 21, part 1). They only parse; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.core.converters import MAX_ID
from fastlege.reference.models import Municipality


class InviteMunicipalitiesForm(forms.Form):
    municipalities = forms.MultipleChoiceField(
        label=_("kommuner"), widget=forms.CheckboxSelectMultiple, required=True
    )

    def __init__(self, *args: Any, choices: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["municipalities"]).choices = [
            (m.number, m.name) for m in choices
        ]


class InvitePersonForm(forms.Form):
    name = forms.CharField(label=_("navn"), max_length=200)
    email = forms.EmailField(label=_("e-post"))


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attended"]).choices = [
            (i, str(i)) for i in ids if i <= MAX_ID
        ]
