"""Forms of the dialogue pages. They only parse input; the services decide."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fastlege.core import limits
from fastlege.core.converters import MAX_ID
from fastlege.dialogue import indicators, rules
from fastlege.dialogue.models import (
    ConsultationSection,
    ConsultationTheme,
    Meeting,
    MeetingSeries,
    ParticipantRole,
)
from fastlege.reference.models import County, Municipality

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


class MeetingForm(forms.Form):
    # issue 21: the state is said first, so a new organiser does not hide the meeting
    # without knowing (was an unticked box at the bottom)
    published = forms.BooleanField(
        label=_("Publiser møtet nå (synlig for alle)"),
        required=False,
        help_text=_(
            "Uten hake lagres møtet som utkast: bare arrangørene ser det, og ingen kan melde "
            "seg på. Du kan publisere det senere med knappen «Publiser møtet» på møtets side."
        ),
    )
    series = forms.ModelChoiceField(
        MeetingSeries.objects.all(), label=_("møteserie"), required=False
    )
    new_series = forms.CharField(
        label=_("eller ny møteserie"),
        max_length=200,
        required=False,
        help_text=_("Tittelen på en ny møteserie som møtet blir det første i."),
    )
    kind = forms.ChoiceField(label=_("møtetype"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("tittel"), max_length=200)
    description = forms.CharField(
        label=_("innledning"), widget=forms.Textarea, required=False, max_length=limits.LONG_TEXT
    )
    date = forms.DateField(label=_("dato"), widget=DATE)
    start_time = forms.TimeField(label=_("starter"), widget=TIME)
    end_time = forms.TimeField(label=_("slutter"), widget=TIME)
    doors_open = forms.TimeField(label=_("registrering fra"), widget=TIME, required=False)
    place = forms.CharField(label=_("sted"), max_length=200, required=False)
    address = forms.CharField(label=_("adresse"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("videolenke"), required=False, assume_scheme="https", max_length=limits.SHORT_TEXT
    )
    organiser_name = forms.CharField(label=_("arrangør"), max_length=200)
    county = forms.ModelChoiceField(
        County.objects.all(),
        label=_("fylke"),
        required=False,
        empty_label=_("nasjonalt møte"),
    )
    moderator = forms.CharField(label=_("møteleder"), max_length=200, required=False)
    audience = forms.CharField(
        label=_("målgruppe"), widget=forms.Textarea, required=False, max_length=limits.TEXT
    )
    contact = forms.CharField(label=_("kontaktperson"), max_length=200, required=False)
    registration_deadline = forms.DateTimeField(
        label=_("påmeldingsfrist"), widget=DATETIME, input_formats=DATETIME_FORMATS, required=False
    )
    capacity = forms.IntegerField(
        label=_("antall plasser"), min_value=1, max_value=100_000, required=False
    )
    waiting_list = forms.BooleanField(label=_("venteliste når fullt"), required=False, initial=True)
    personal_data_until = forms.DateField(
        label=_("personopplysninger slettes"),
        widget=DATE,
        required=False,
        help_text=_("Tom: %(days)s dager etter møtet.")
        % {"days": rules.param("registrant_data_retention_days")},
    )
    programme = forms.CharField(
        label=_("program"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        max_length=limits.LONG_TEXT,
        help_text=_(
            "Én programpost per linje, med klokkeslett først: «09:00-09:10 Velkommen» eller "
            "«12:00 Lunsj». Linjer uten klokkeslett beskriver posten over. "
            "«| navn» til slutt på linjen angir innleder."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("series") and data.get("new_series"):
            self.add_error("new_series", _("Velg en møteserie eller skriv inn en ny, ikke begge."))
        return data


class ProgrammeForm(forms.Form):
    programme = MeetingForm.base_fields["programme"]


class DeadlineForm(forms.Form):
    registration_deadline = forms.DateTimeField(
        label=_("ny påmeldingsfrist"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("antall plasser"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Tom for ubegrenset. Ledige plasser går til ventelisten."),
    )


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("navn"), max_length=200)
    email = forms.EmailField(label=_("e-post"))
    organisation = forms.CharField(label=_("organisasjon"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("rolle"), choices=ParticipantRole.choices)
    dietary_needs = forms.CharField(
        label=_("matbehov og allergier"), max_length=300, required=False
    )
    municipality_id = forms.ChoiceField(
        label=_("kommune"),
        required=False,
        help_text=_("Kommunen du kommer fra eller representerer, hvis noen."),
    )

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from fastlege.dialogue.selectors_invitations import (  # noqa: PLC0415
            registration_municipalities,
        )

        cast(forms.ChoiceField, self.fields["municipality_id"]).choices = [
            ("", _("ingen kommune"))
        ] + [(m.number, m.name) for m in registration_municipalities(meeting)]


class GroupNoteForm(forms.Form):
    group = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_ID)
    text = forms.CharField(label=_("notat"), widget=forms.Textarea, max_length=limits.TEXT)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("referat"), widget=forms.Textarea, required=False, max_length=limits.LONG_TEXT
    )
    summary = forms.CharField(
        label=_("oppsummering"), widget=forms.Textarea, required=False, max_length=limits.LONG_TEXT
    )


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("tittel"), max_length=200)
    question = forms.CharField(label=_("spørsmål"), widget=forms.Textarea, max_length=limits.TEXT)
    organiser_name = forms.CharField(label=_("arrangør"), max_length=200)
    county = forms.ModelChoiceField(
        County.objects.all(), label=_("fylke"), required=False, empty_label=_("nasjonal")
    )
    opens_at = forms.DateTimeField(
        label=_("åpner"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    deadline = forms.DateTimeField(
        label=_("frist"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    themes = forms.CharField(
        label=_("temaer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=limits.TEXT,
        help_text=_("Ett tema per linje."),
    )

    def clean_themes(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["themes"].splitlines() if line.strip()]


class SubmissionForm(forms.Form):
    name = forms.CharField(label=_("navn"), max_length=200)
    email = forms.EmailField(label=_("e-post"))
    organisation = forms.CharField(label=_("organisasjon"), max_length=200, required=False)
    on_behalf_of_organisation = forms.BooleanField(
        label=_("jeg sender innspillet på vegne av organisasjonen"), required=False
    )
    submitter_kind = forms.ChoiceField(label=_("innsendertype"), choices=ParticipantRole.choices)
    themes = forms.ModelMultipleChoiceField(
        ConsultationTheme.objects.none(),
        label=_("temaer"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.order_by("name"),
        label=_("kommune"),
        required=False,
        empty_label=_("ikke fra en kommune"),
        help_text=_("Hvis innspillet kommer fra en kommune: velg den, så telles fylket med."),
    )
    county = forms.ModelChoiceField(
        County.objects.all(),
        label=_("fylke"),
        required=False,
        empty_label=_("ikke oppgitt"),
        help_text=_("For statsforvaltere og andre med et fylke, når ingen kommune er valgt."),
    )
    text = forms.CharField(
        label=_("innspill"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=limits.LONG_TEXT,
        required=False,
        help_text=_("Ditt generelle svar. Du kan også kommentere punktene i høringsteksten."),
    )
    attachment = forms.FileField(
        label=_("vedlegg (PDF eller Word)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    requests_non_public = forms.BooleanField(
        label=_("Jeg ber om at svaret ikke offentliggjøres"), required=False
    )
    non_public_reason = forms.CharField(
        label=_("begrunnelse for at svaret ikke bør offentliggjøres"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.TEXT,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        consultation_id: int,
        sections: Sequence[ConsultationSection] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        themes = self.fields["themes"]
        assert isinstance(themes, forms.ModelMultipleChoiceField)
        themes.queryset = ConsultationTheme.objects.filter(consultation_id=consultation_id)
        self.section_fields: list[tuple[ConsultationSection, str]] = []
        for section in sections:
            name = f"punkt_{section.pk}"
            self.fields[name] = forms.CharField(
                label=_("Kommentar til punkt %(number)s: %(heading)s")
                % {"number": section.number, "heading": section.heading},
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=limits.LONG_TEXT,
                required=False,
            )
            self.section_fields.append((section, name))
        # the section comments right after the general answer
        names = list(self.fields)
        at = names.index("text") + 1
        rest = [n for n in names if not n.startswith("punkt_")]
        self.order_fields(rest[:at] + [n for _s, n in self.section_fields] + rest[at:])

    def section_comments(self) -> dict[int, str]:
        """Section id -> comment, for the sections the sender commented on."""
        return {
            section.pk: self.cleaned_data[name]
            for section, name in self.section_fields
            if self.cleaned_data.get(name, "").strip()
        }


class MarkForm(forms.Form):
    submission = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_ID)
    marked = forms.BooleanField(label=_("merket"), required=False)
    comment = forms.CharField(
        label=_("kommentar"), widget=forms.Textarea, required=False, max_length=limits.TEXT
    )


class CaseForm(forms.Form):
    title = forms.CharField(label=_("tittel"), max_length=200)
    description = forms.CharField(
        label=_("beskrivelse"), widget=forms.Textarea, required=False, max_length=limits.LONG_TEXT
    )
    indicators = forms.MultipleChoiceField(
        label=_("indikatorer"),
        choices=indicators.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class DecisionForm(forms.Form):
    case = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_ID)
    text = forms.CharField(label=_("vedtak"), widget=forms.Textarea, max_length=limits.TEXT)
    decided_on = forms.DateField(label=_("vedtatt"), widget=DATE, initial=timezone.localdate)
    closes_case = forms.BooleanField(label=_("avslutter saken"), required=False)


def aware(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)
