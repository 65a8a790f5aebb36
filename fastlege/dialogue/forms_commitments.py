"""Forms of the forum's agreements (commitments). Limits and refusals are the
services' (``services.commitments``): a percentage outside 0–100 is refused there,
with its coded message, not by the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.core.converters import MAX_ID
from fastlege.dialogue import indicators
from fastlege.dialogue.forms import DATE
from fastlege.dialogue.models import CommitmentStatus, Forum


class CommitmentForm(forms.Form):
    case = forms.TypedChoiceField(label=_("sak"), coerce=int)
    title = forms.CharField(label=_("tittel"), max_length=200)
    description = forms.CharField(
        label=_("beskrivelse"), widget=forms.Textarea, required=False, max_length=limits.LONG_TEXT
    )
    owner = forms.TypedChoiceField(label=_("ansvarlig part"), coerce=int)
    starts_on = forms.DateField(label=_("avtalt dato"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("planlagt ferdig"), widget=DATE, required=False)
    indicators = forms.MultipleChoiceField(
        label=_("indikatorer avtalen skal påvirke"),
        choices=indicators.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    published = forms.BooleanField(label=_("publiser for alle"), required=False)

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [  # type: ignore[attr-defined]
            (c.pk, c.title) for c in forum.cases.order_by("opened_on", "id")
        ]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (p.pk, p.name) for p in forum.parties.filter(active=True)
        ]


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("fullført (prosent)"))
    status = forms.ChoiceField(label=_("status"), choices=CommitmentStatus.choices)
    on = forms.DateField(label=_("gjelder dato"), widget=DATE, initial=timezone.localdate)
    comment = forms.CharField(
        label=_("kommentar"), widget=forms.Textarea, required=False, max_length=limits.TEXT
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milepæl"), max_length=200)
    due_on = forms.DateField(label=_("frist"), widget=DATE)


class MilestoneDoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_ID)
    done_on = forms.DateField(label=_("nådd dato"), widget=DATE, initial=timezone.localdate)
