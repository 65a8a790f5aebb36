"""Forms for group work and follow-up actions. They only parse input; the services
(services/actions.py) decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.dialogue.forms import DATE
from fastlege.dialogue.models import FollowUpAction, ForumParty, Meeting, WorkGroup
from fastlege.dialogue.selectors_actions import rapporteur_choices
from fastlege.reference.models import Municipality


class GroupWorkForm(forms.Form):
    name = forms.CharField(label=_("gruppenavn"), max_length=100)
    questions = forms.CharField(
        label=_("spørsmål"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=limits.TEXT,
        help_text=_("Ett spørsmål per linje."),
    )
    rapporteur_id = forms.TypedChoiceField(
        label=_("referent blant de påmeldte"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    rapporteur_name = forms.CharField(
        label=_("eller referentens navn"),
        max_length=200,
        required=False,
        help_text=_("Når referenten ikke er påmeldt møtet."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "gruppe_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["rapporteur_id"]
        field.choices = [("", _("ingen valgt")), *rapporteur_choices(meeting)]  # type: ignore[attr-defined]


class AnswersForm(forms.Form):
    """One answer field per question of the group, labelled by the question."""

    def __init__(self, *args: Any, group: WorkGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in group.questions.all():
            self.fields[f"svar_{question.pk}"] = forms.CharField(
                label=f"{question.position}. {question.text}",
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                max_length=limits.TEXT,
                initial=question.answer,
            )

    def answers(self) -> dict[int, str]:
        return {int(name.removeprefix("svar_")): text for name, text in self.cleaned_data.items()}


class AssignActionForm(forms.Form):
    what = forms.CharField(label=_("hva skal gjøres"), max_length=300)
    owner_kind = forms.ChoiceField(
        label=_("ansvarlig er"), choices=FollowUpAction.OwnerKind.choices
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.none(), label=_("kommune"), required=False
    )
    party = forms.ModelChoiceField(
        ForumParty.objects.filter(active=True), label=_("part"), required=False
    )
    responsible = forms.CharField(
        label=_("navn på organisasjon eller person"), max_length=200, required=False
    )
    contact_email = forms.EmailField(
        label=_("e-post for påminnelse"),
        required=False,
        help_text=_("For en part eller organisasjon uten brukere i løsningen."),
    )
    due = forms.DateField(label=_("frist"), widget=DATE, required=False)
    group_id = forms.TypedChoiceField(
        label=_("fra gruppe"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "tiltak_%s")
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.order_by("name")
        if meeting.county_id:
            municipalities = municipalities.filter(county_id=meeting.county_id)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["group_id"].choices = [  # type: ignore[attr-defined]
            ("", _("ingen")),
            *meeting.groups.order_by("name").values_list("pk", "name"),
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "what": data["what"],
            "due": data["due"],
            "owner_kind": data["owner_kind"],
            "responsible": data["responsible"],
            "municipality_id": data["municipality"].pk if data["municipality"] else None,
            "party_id": data["party"].pk if data["party"] else None,
            "group_id": data["group_id"],
            "contact_email": data["contact_email"],
        }


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("ny status"), choices=FollowUpAction.Status.choices)
    comment = forms.CharField(
        label=_("kommentar"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
