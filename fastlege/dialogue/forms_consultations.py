"""Forms of the consultation phases (issue 21, part 4). They only parse input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.core.converters import MAX_ID
from fastlege.dialogue.forms import DATETIME, DATETIME_FORMATS
from fastlege.dialogue.models import WithholdReason


class ExtendForm(forms.Form):
    new_deadline = forms.DateTimeField(
        label=_("ny frist"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    reason = forms.CharField(
        label=_("begrunnelse (vises på innspillssiden)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.TEXT,
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("oppsummering"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=limits.LONG_TEXT,
    )


class SectionsForm(forms.Form):
    text = forms.CharField(
        label=_("høringstekst"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=limits.LONG_TEXT * 5,
        required=False,
        help_text=_(
            "Hvert punkt begynner med en linje «# Overskrift»; teksten står under. "
            "Punktene nummereres 1, 2, 3 … i rekkefølge."
        ),
    )


class WithholdForm(forms.Form):
    submission = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_ID)
    reason = forms.ChoiceField(
        label=_("grunn"),
        choices=[("", _("ikke holdt tilbake")), *WithholdReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("merknad"), max_length=limits.TEXT, required=False)
