"""The notice settings form: one choice of frequency per kind (radio buttons)."""

from __future__ import annotations

from typing import Any

from django import forms

from fastlege.notices.models import Frequency, Kind


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in Kind.values}
