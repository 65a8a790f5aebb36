"""Pages of the dialogue app: thin; forms parse, services write, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.accounts import ratelimit, security
from fastlege.core import tabular, uploads
from fastlege.core.errors import DomainError
from fastlege.dialogue import (
    exports,
    forms,
    selectors,
    selectors_actions,
    selectors_consultations,
    services,
)
from fastlege.dialogue import programme as programme_text
from fastlege.dialogue.forms_actions import AssignActionForm, GroupWorkForm
from fastlege.dialogue.indicators import national_series, series_charts
from fastlege.dialogue.models import (
    FollowUpAction,
    Forum,
    ForumCase,
    Meeting,
    ParticipantRole,
    Registration,
    WorkGroup,
)
from fastlege.dialogue.services import limits
from fastlege.dialogue.services.access import is_national, is_organiser
from fastlege.dialogue.services.errors import Code
from fastlege.stats.selectors import viewer_for

View = Callable[..., HttpResponse]


def organiser_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_organiser(request.user):
            raise PermissionDenied(
                _("Bare arrangører (Statsforvalteren, departementet) har tilgang.")
            )
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise PermissionDenied(exc.message) from exc
            if exc.code in (Code.UNKNOWN_MEETING, Code.UNKNOWN_CONSULTATION, Code.UNKNOWN_CASE):
                raise Http404(exc.message) from exc
            raise

    return wrapped


def _not_found(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _attachment_response(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- public pages ------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dialogue/index.html",
        {
            "meetings": selectors.public_meetings()[:50],
            "consultations": selectors.public_consultations()[:50],
            "organiser": is_organiser(request.user),
        },
    )


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _not_found(lambda: selectors.meeting_for_public(meeting_id, request.user))
    return render(
        request,
        "dialogue/meeting_detail.html",
        {
            "meeting": meeting,
            "seats": selectors.seats(meeting),
            "closed": selectors.registration_closed_reason(meeting),
            "groups": selectors_actions.meeting_groups(meeting),
            "public_actions": selectors_actions.public_actions(meeting),
        },
    )


def meeting_programme(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The printable programme."""
    meeting = _not_found(lambda: selectors.meeting_for_public(meeting_id, request.user))
    return render(request, "dialogue/programme_print.html", {"meeting": meeting})


def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _not_found(lambda: selectors.meeting_for_public(meeting_id, request.user))
    url = request.build_absolute_uri(reverse("dialogue:meeting", args=[meeting.pk]))
    return _attachment_response(
        exports.meeting_ics(meeting, url), "text/calendar; charset=utf-8", f"mote-{meeting.pk}.ics"
    )


def register(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The public form: a pending registration and an e-mail with the link that takes
    the seat (services.request_registration); HTTP 429 beyond the limits."""
    meeting = _not_found(lambda: selectors.meeting_for_public(meeting_id, request.user))
    form = forms.RegistrationForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            requested = services.request_registration(
                request.user,
                meeting.pk,
                services.RegistrationData(**form.cleaned_data),
                client_address=ratelimit.client_address(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            if exc.code in limits.RATE_LIMITED_CODES:
                security.event(
                    limits.RATE_LIMITED,
                    request,
                    user=request.user,
                    limit=exc.code,
                    meeting_id=meeting.pk,
                )
                status = 429
        else:
            return render(
                request,
                "dialogue/registered.html",
                {
                    "meeting": meeting,
                    "registration": requested.registration,
                    "emailed": requested.emailed,
                    "hours": settings.DIALOGUE_PENDING_HOURS,
                    "resend_minutes": settings.DIALOGUE_RESEND_MINUTES,
                },
            )
    response = render(
        request,
        "dialogue/register.html",
        {
            "meeting": meeting,
            "form": form,
            "seats": selectors.seats(meeting),
            "closed": selectors.registration_closed_reason(meeting),
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(limits.HOUR)
    return response


def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a registration e-mail: a button (POST) takes the seat, so a mail
    scanner that opens links (GET) takes none."""
    if request.method != "POST":
        return render(request, "dialogue/confirm.html", {"token": token})
    try:
        confirmed = services.confirm_registration(token)
    except DomainError as exc:
        if exc.code == Code.UNKNOWN_LINK:
            raise Http404(exc.message) from exc
        return render(
            request,
            "dialogue/message.html",
            {"title": _("Påmeldingen er ikke bekreftet"), "text": exc.message},
            status=409,
        )
    registration = confirmed.registration
    values = {"title": registration.meeting.title}
    if registration.status == Registration.Status.WAITING:
        text = _("Møtet %(title)s er fullt. Du står på venteliste og får e-post hvis du får plass.")
    elif confirmed.already:
        text = _("Påmeldingen til %(title)s var allerede bekreftet.")
    else:
        text = _("Takk! Påmeldingen til %(title)s er bekreftet.")
    return render(
        request,
        "dialogue/message.html",
        {"title": _("Påmeldingen er bekreftet"), "text": text % values},
    )


def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            registration = services.cancel(request.user, token)
        except DomainError as exc:
            return render(
                request,
                "dialogue/message.html",
                {"title": _("Avmelding"), "text": exc.message},
                status=400,
            )
        return render(
            request,
            "dialogue/message.html",
            {
                "title": _("Du er meldt av"),
                "text": _("Du er meldt av %(title)s.") % {"title": registration.meeting.title},
            },
        )
    return render(request, "dialogue/cancel.html", {"token": token})


def consultation_detail(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _not_found(
        lambda: selectors_consultations.consultation_for_public(consultation_id)
    )
    page = selectors_consultations.public_page(consultation)
    form = forms.SubmissionForm(
        request.POST or None,
        request.FILES or None,
        consultation_id=consultation.pk,
        sections=[view.section for view in page["sections"]],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("attachment")
        try:
            uploads.check_file_count(request.FILES)
            content = uploads.read_upload(upload) if upload else None
            submission = services.submit(
                request.user,
                consultation.pk,
                services.SubmissionData(
                    name=data["name"],
                    email=data["email"],
                    organisation=data["organisation"],
                    on_behalf_of_organisation=data["on_behalf_of_organisation"],
                    submitter_kind=data["submitter_kind"],
                    text=data["text"],
                    theme_ids=[t.pk for t in data["themes"]],
                    requests_non_public=data["requests_non_public"],
                    non_public_reason=data["non_public_reason"],
                    municipality_id=data["municipality"].pk if data["municipality"] else None,
                    county_id=data["county"].pk if data["county"] else None,
                    section_comments=form.section_comments(),
                    file_name=upload.name if upload else "",
                    file_content=content,
                ),
            )
        except DomainError as exc:
            form.add_error("attachment" if "file" in str(exc.code) else None, exc.message)
        else:
            return render(
                request,
                "dialogue/submitted.html",
                {"consultation": consultation, "submission": submission},
            )
    return render(
        request,
        "dialogue/consultation_detail.html",
        {
            "consultation": consultation,
            "form": form,
            "themes": consultation.themes.all(),
            **page,
        },
    )


def submission_confirm(request: HttpRequest, token: str) -> HttpResponse:
    submission = _not_found(lambda: services.confirm_submission_email(token))
    return render(
        request,
        "dialogue/message.html",
        {
            "title": _("E-postadressen er bekreftet"),
            "text": _("Takk! Innspillet til %(title)s er bekreftet.")
            % {"title": submission.consultation.title},
        },
    )


def published_submissions(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation, rows = _not_found(lambda: selectors.published_submissions(consultation_id))
    return render(
        request,
        "dialogue/published.html",
        {"consultation": consultation, "submissions": rows},
    )


# --- organiser pages ---------------------------------------------------------------


@organiser_required
def organiser_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dialogue/organiser_home.html",
        {
            "meetings": selectors.organiser_meetings(request.user)[:200],
            "consultations": selectors.organiser_consultations(request.user)[:200],
            "forums": Forum.objects.all() if is_national(request.user) else [],
        },
    )


@organiser_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = forms.MeetingForm(request.POST or None)
    forum_id = request.GET.get("forum")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        text = data.pop("programme")
        county = data.pop("county")
        new_series = data.pop("new_series")
        county_id = county.pk if county else None
        try:
            with transaction.atomic():
                if new_series:
                    data["series"] = services.create_series(
                        request.user,
                        title=new_series,
                        organiser_name=data["organiser_name"],
                        county_id=county_id,
                    )
                meeting = services.create_meeting(
                    request.user,
                    services.MeetingData(
                        **data,
                        county_id=county_id,
                        forum_id=int(forum_id) if forum_id and forum_id.isdigit() else None,
                    ),
                    programme_text=text,
                )
        except DomainError as exc:
            form.add_error("programme" if "programme" in str(exc.code) else None, exc.message)
        else:
            messages.success(request, _("Møtet er opprettet."))
            return redirect("dialogue:organiser_meeting", meeting.pk)
    return render(request, "dialogue/meeting_form.html", {"form": form})


def _meeting_page(request: HttpRequest, meeting: Meeting, **extra: Any) -> HttpResponse:
    context = {
        "meeting": meeting,
        "seats": selectors.seats(meeting),
        "programme_form": extra.pop(
            "programme_form",
            forms.ProgrammeForm(
                initial={"programme": programme_text.as_text(list(meeting.programme.all()))}
            ),
        ),
        "deadline_form": extra.pop("deadline_form", forms.DeadlineForm()),
        "capacity_form": extra.pop(
            "capacity_form", forms.CapacityForm(initial={"capacity": meeting.capacity})
        ),
        "group_form": extra.pop("group_form", None) or GroupWorkForm(meeting=meeting),
        "minutes_form": extra.pop(
            "minutes_form",
            forms.MinutesForm(initial={"minutes": meeting.minutes, "summary": meeting.summary}),
        ),
        "action_form": extra.pop("action_form", None) or AssignActionForm(meeting=meeting),
        "groups": selectors_actions.meeting_groups(meeting),
        "actions": selectors_actions.meeting_actions(meeting),
        "action_statuses": FollowUpAction.Status.choices,
        "today": timezone.localdate(),
        "agenda": meeting.agenda.select_related("case"),
        **extra,
    }
    return render(request, "dialogue/organiser_meeting.html", context)


@organiser_required
def organiser_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    return _meeting_page(request, meeting)


_MEETING_ACTIONS = frozenset(
    [
        "program",
        "frist",
        "plasser",
        "publiser",
        "notat",
        "referat",
        "dagsorden",
    ]
)


@organiser_required
@require_POST
def organiser_meeting_post(request: HttpRequest, meeting_id: int, what: str) -> HttpResponse:
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    if what not in _MEETING_ACTIONS:
        raise Http404()
    user = request.user
    form: Any
    try:
        if what == "program":
            form = forms.ProgrammeForm(request.POST)
            if not form.is_valid():
                return _meeting_page(request, meeting, programme_form=form)
            try:
                services.set_programme(user, meeting.pk, form.cleaned_data["programme"])
            except DomainError as exc:
                form.add_error("programme", exc.message)
                return _meeting_page(request, meeting, programme_form=form)
        elif what == "frist":
            form = forms.DeadlineForm(request.POST)
            if not form.is_valid():
                return _meeting_page(request, meeting, deadline_form=form)
            try:
                services.extend_registration_deadline(
                    user, meeting.pk, form.cleaned_data["registration_deadline"]
                )
            except DomainError as exc:
                form.add_error("registration_deadline", exc.message)
                return _meeting_page(request, meeting, deadline_form=form)
        elif what == "plasser":
            form = forms.CapacityForm(request.POST)
            if not form.is_valid():
                return _meeting_page(request, meeting, capacity_form=form)
            try:
                services.set_capacity(user, meeting.pk, form.cleaned_data["capacity"])
            except DomainError as exc:
                form.add_error("capacity", exc.message)
                return _meeting_page(request, meeting, capacity_form=form)
        elif what == "publiser":
            services.set_published(user, meeting.pk, request.POST.get("published") == "1")
        elif what == "notat":
            form = forms.GroupNoteForm(request.POST)
            if (
                form.is_valid()
                and WorkGroup.objects.filter(
                    pk=form.cleaned_data["group"], meeting=meeting
                ).exists()
            ):
                services.add_group_note(user, form.cleaned_data["group"], form.cleaned_data["text"])
            else:
                messages.error(request, _("Notatet kan ikke være tomt."))
        elif what == "referat":
            form = forms.MinutesForm(request.POST)
            if form.is_valid():
                services.save_minutes(user, meeting.pk, **form.cleaned_data)
        elif what == "dagsorden":
            services.build_agenda(user, meeting.pk)
    except DomainError as exc:
        if exc.code == Code.NOT_AUTHORISED:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Lagret."))
    return redirect("dialogue:organiser_meeting", meeting.pk)


@organiser_required
def participants(request: HttpRequest, meeting_id: int, fmt: str = "html") -> HttpResponse:
    if fmt not in ("html", "csv", "xlsx"):
        raise Http404()
    meeting = selectors.meeting_for_organiser(request.user, meeting_id)
    rows = selectors.participants(request.user, meeting, reason=f"deltakerliste ({fmt})")
    if fmt == "csv":
        return _attachment_response(
            exports.participants_csv(rows), tabular.CSV_TYPE, f"deltakere-{meeting.pk}.csv"
        )
    if fmt == "xlsx":
        return _attachment_response(
            exports.participants_xlsx(meeting, rows),
            tabular.XLSX_TYPE,
            f"deltakere-{meeting.pk}.xlsx",
        )
    return render(
        request,
        "dialogue/participants.html",
        {"meeting": meeting, "rows": rows, "seats": selectors.seats(meeting)},
    )


@organiser_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    form = forms.ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        county = data.pop("county")
        try:
            consultation = services.create_consultation(
                request.user, county_id=county.pk if county else None, published=False, **data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Innspillsrunden er opprettet som utkast. Skriv teksten og åpne den.")
            )
            return redirect("dialogue:organiser_consultation", consultation.pk)
    return render(request, "dialogue/consultation_form.html", {"form": form})


def _filters(request: HttpRequest) -> dict[str, Any]:
    theme = request.GET.get("tema", "")
    marked = request.GET.get("merket", "")
    kind = request.GET.get("type", "")
    return {
        "theme_id": int(theme) if theme.isdigit() else None,
        "submitter_kind": kind if kind in ParticipantRole.values else "",
        "marked": {"ja": True, "nei": False}.get(marked),
    }


@organiser_required
def organiser_consultation(
    request: HttpRequest, consultation_id: int, fmt: str = "html"
) -> HttpResponse:
    if fmt not in ("html", "docx", "pdf", "csv"):
        raise Http404()
    consultation = selectors.consultation_for_organiser(request.user, consultation_id)
    if request.method == "POST":
        mark = forms.MarkForm(request.POST)
        if "publish" in request.POST:
            services.publish_submissions(
                request.user, consultation.pk, published=request.POST["publish"] == "1"
            )
        elif (
            mark.is_valid()
            and consultation.submissions.filter(pk=mark.cleaned_data["submission"]).exists()
        ):
            services.mark_submission(
                request.user,
                mark.cleaned_data["submission"],
                marked=mark.cleaned_data["marked"],
                comment=mark.cleaned_data["comment"],
            )
        messages.success(request, _("Lagret."))
        return redirect(request.get_full_path())
    filters = _filters(request)
    rows = selectors.submissions(request.user, consultation, **filters, reason=f"innspill ({fmt})")
    themes = list(consultation.themes.all())
    if fmt in ("docx", "pdf", "csv"):
        summary = selectors.summary_by_theme(rows, themes)
        if fmt == "docx":
            return _attachment_response(
                exports.summary_docx(
                    consultation,
                    summary,
                    analysis=selectors_consultations.analysis(request.user, consultation),
                    extensions=selectors_consultations.extensions(consultation),
                    sections=selectors_consultations.sections_with_all_comments(
                        request.user, consultation
                    ),
                ),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                f"innspill-{consultation.pk}.docx",
            )
        if fmt == "pdf":
            return _attachment_response(
                exports.summary_pdf(consultation, summary),
                "application/pdf",
                f"innspill-{consultation.pk}.pdf",
            )
        return _attachment_response(
            exports.summary_csv(summary),
            tabular.CSV_TYPE,
            f"innspill-{consultation.pk}.csv",
        )
    return render(
        request,
        "dialogue/organiser_consultation.html",
        {
            "consultation": consultation,
            "rows": rows,
            "themes": themes,
            "kinds": ParticipantRole.choices,
            "filters": filters,
            "query": request.GET.urlencode(),
            **selectors_consultations.organiser_panel(consultation),
        },
    )


@organiser_required
def attachment(request: HttpRequest, submission_id: int) -> HttpResponse:
    found = selectors.attachment_for_organiser(request.user, submission_id)
    content_type = (
        "application/pdf"
        if found.kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return _attachment_response(
        bytes(found.content), content_type, f"vedlegg-{submission_id}.{found.kind}"
    )


# --- the tripartite forum ------------------------------------------------------------


def _national(request: HttpRequest) -> None:
    if not is_national(request.user):
        raise PermissionDenied(_("Bare departementet og nasjonal administrator har tilgang."))


@organiser_required
def forum_detail(request: HttpRequest, forum_id: int) -> HttpResponse:
    _national(request)
    forum = Forum.objects.prefetch_related("parties").filter(pk=forum_id).first()
    if forum is None:
        raise Http404()
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.open_case(
            request.user,
            forum.pk,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            indicator_codes=form.cleaned_data["indicators"],
        )
        messages.success(request, _("Saken er opprettet."))
        return redirect("dialogue:forum", forum.pk)
    return render(
        request,
        "dialogue/forum.html",
        {
            "forum": forum,
            "cases": selectors.cases_with_indicators(forum.pk),
            "meetings": forum.meetings.order_by("-date"),
            "form": form,
        },
    )


@organiser_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    _national(request)
    case = (
        ForumCase.objects.select_related("forum", "raised_by")
        .prefetch_related("indicators", "decisions", "actions", "commitments__owner")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404()
    form = forms.DecisionForm(request.POST or None, initial={"case": case.pk})
    if request.method == "POST" and form.is_valid():
        meeting = request.POST.get("meeting", "")
        try:
            services.record_decision(
                request.user,
                case.pk,
                text=form.cleaned_data["text"],
                decided_on=form.cleaned_data["decided_on"],
                closes_case=form.cleaned_data["closes_case"],
                meeting_id=int(meeting) if meeting.isdigit() else None,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Vedtaket er registrert."))
            return redirect("dialogue:case", case.pk)
    series = national_series(
        [i.code for i in case.indicators.all()], viewer_for(request.user), case.opened_on
    )
    return render(
        request,
        "dialogue/case.html",
        {
            "case": case,
            "charts": series_charts(series, case.opened_on, _("saken åpnet")),
            "series": list(series.values()),
            "form": form,
            "meetings": case.forum.meetings.order_by("-date"),
        },
    )
