"""The scenario form. Numbers are read as text (decimal comma or point) and checked by
``services.scenarios.clean``, the one place that knows the ranges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.core.tabular import decimal_comma
from fastlege.workforce.models import Scenario
from fastlege.workforce.parameters import RANGES
from fastlege.workforce.presets import PARAMETER_FIELDS
from fastlege.workforce.services.scenarios import ScenarioData


def _range_help(field: str) -> str:
    lo, hi = RANGES[field]
    return str(_("Fra %(lo)s til %(hi)s.")) % {"lo": decimal_comma(lo), "hi": decimal_comma(hi)}


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    population_variant = forms.ChoiceField(
        label=Scenario._meta.get_field("population_variant").verbose_name,
        choices=Scenario.PopulationVariant.choices,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in PARAMETER_FIELDS:
            if field == "population_variant":
                continue
            model_field = Scenario._meta.get_field(field)
            assert isinstance(model_field, models.Field)
            help_text = _range_help(field)
            if field == "recruitment_rate":
                help_text = f"{model_field.help_text} {help_text}"
            self.fields[field] = forms.CharField(
                label=model_field.verbose_name,
                required=False,
                help_text=help_text,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )

    @staticmethod
    def initial_of(data: ScenarioData) -> dict[str, Any]:
        out: dict[str, Any] = {"name": data.name, "description": data.description}
        for field in PARAMETER_FIELDS:
            v = getattr(data, field)
            out[field] = decimal_comma(v) if isinstance(v, (int, Decimal)) else (v or "")
        return out

    def data_object(self) -> ScenarioData:
        c = self.cleaned_data
        data = ScenarioData(name=c.get("name", ""), description=c.get("description", ""))
        for f in PARAMETER_FIELDS:
            setattr(data, f, c.get(f))
        return data
