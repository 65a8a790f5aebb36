"""Forms of the watch page: a list to watch, or a search (municipality and filters)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.registry.models import Doctor, Sex


class WatchListForm(forms.Form):
    liste = forms.TypedChoiceField(label=_("Fastlegeliste"), coerce=int, choices=())

    def __init__(self, *args: Any, lists: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["liste"]).choices = lists


class WatchSearchForm(forms.Form):
    kommune = forms.ChoiceField(label=_("Kommune"), choices=())
    kjonn = forms.ChoiceField(
        label=_("Legens kjønn"),
        required=False,
        choices=[("", _("Alle"))] + [(v, label) for v, label in Sex.choices],
    )
    spesialist = forms.ChoiceField(
        label=_("Spesialiststatus"),
        required=False,
        choices=[("", _("Alle"))] + [(v, label) for v, label in Doctor.Specialty.choices],
    )

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kommune"]).choices = municipalities

    def filters(self) -> dict[str, str]:
        """The search's filters as the service stores them (``services.FILTERS``)."""
        return {
            "sex": self.cleaned_data.get("kjonn") or "",
            "specialty": self.cleaned_data.get("spesialist") or "",
        }
