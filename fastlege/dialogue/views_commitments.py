"""Pages of the forum's agreements (commitments): the overview (public: the published
agreements; also as CSV/Excel), an agreement with its history and indicator charts,
and the forms the ministry uses to create and update them. Thin: reads are
``selectors_commitments``, writes ``services.commitments``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.core.errors import DomainError
from fastlege.dialogue import forms_commitments as forms
from fastlege.dialogue import selectors_commitments as selectors
from fastlege.dialogue.services import commitments as services
from fastlege.dialogue.services.errors import Code
from fastlege.stats import exports


def _forum(forum_id: int) -> Any:
    forum = selectors.forum_or_none(forum_id)
    if forum is None:
        raise Http404()
    return forum


def _require_editor(request: HttpRequest) -> None:
    if not selectors.may_edit(request.user):
        raise PermissionDenied(_("Bare departementet og nasjonal administrator har tilgang."))


def commitments(request: HttpRequest, forum_id: int) -> HttpResponse:
    """The agreements of a forum: open to all (published ones); ``?format=csv``,
    ``csv-maskin`` or ``xlsx`` downloads the table."""
    forum = _forum(forum_id)
    view = selectors.overview(request.user, forum)
    fmt = request.GET.get("format", "")
    if fmt:
        response = exports.table(
            fmt, selectors.EXPORT_COLUMNS, selectors.export_rows(view), f"avtaler-forum-{forum.pk}"
        )
        if response is None:
            raise Http404(_("Ukjent format."))
        return response
    return render(request, "dialogue/commitments_overview.html", {"view": view})


@login_required
def commitment_create(request: HttpRequest, forum_id: int) -> HttpResponse:
    _require_editor(request)
    forum = _forum(forum_id)
    form = forms.CommitmentForm(request.POST or None, forum=forum)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.create_commitment(
                request.user,
                data["case"],
                title=data["title"],
                description=data["description"],
                owner_id=data["owner"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                indicator_codes=data["indicators"],
                published=data["published"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Avtalen er registrert."))
            return redirect("dialogue:commitment", commitment.pk)
    return render(request, "dialogue/commitments_form.html", {"forum": forum, "form": form})


def _detail_page(request: HttpRequest, commitment_id: int, **form_overrides: Any) -> HttpResponse:
    try:
        detail = selectors.detail(request.user, commitment_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    context: dict[str, Any] = {"d": detail}
    if detail.editable:
        context.update(
            progress_form=forms.ProgressForm(
                initial={"percent": detail.commitment.progress, "status": detail.commitment.status}
            ),
            milestone_form=forms.MilestoneForm(),
            done_form=forms.MilestoneDoneForm(),
        )
        context.update(form_overrides)
    status = 400 if form_overrides else 200
    return render(request, "dialogue/commitments_detail.html", context, status=status)


def commitment_detail(request: HttpRequest, commitment_id: int) -> HttpResponse:
    return _detail_page(request, commitment_id)


_ACTIONS = ("fremdrift", "milepael", "milepael-nadd", "publisering")


@login_required
@require_POST
def commitment_post(request: HttpRequest, commitment_id: int, what: str) -> HttpResponse:
    _require_editor(request)
    if what not in _ACTIONS:
        raise Http404()
    user = request.user
    form: Any = None
    try:
        if what == "fremdrift":
            form = forms.ProgressForm(request.POST)
            if form.is_valid():
                services.record_progress(
                    user,
                    commitment_id,
                    percent=form.cleaned_data["percent"],
                    status=form.cleaned_data["status"],
                    comment=form.cleaned_data["comment"],
                    on=form.cleaned_data["on"],
                )
                messages.success(request, _("Fremdriften er registrert."))
            else:
                return _detail_page(request, commitment_id, progress_form=form)
        elif what == "milepael":
            form = forms.MilestoneForm(request.POST)
            if form.is_valid():
                services.add_milestone(user, commitment_id, **form.cleaned_data)
                messages.success(request, _("Milepælen er lagt til."))
            else:
                return _detail_page(request, commitment_id, milestone_form=form)
        elif what == "milepael-nadd":
            form = forms.MilestoneDoneForm(request.POST)
            if form.is_valid():
                milestone = form.cleaned_data["milestone"]
                if not selectors.milestone_of(milestone, commitment_id):
                    raise Http404()
                services.complete_milestone(user, milestone, done_on=form.cleaned_data["done_on"])
                messages.success(request, _("Milepælen er registrert som nådd."))
            else:
                return _detail_page(request, commitment_id, done_form=form)
        else:
            services.set_commitment_published(
                user, commitment_id, request.POST.get("published") == "1"
            )
            messages.success(request, _("Publiseringen er endret."))
    except DomainError as exc:
        if exc.code == Code.UNKNOWN_COMMITMENT:
            raise Http404(exc.message) from exc
        key = {
            "fremdrift": "progress_form",
            "milepael": "milestone_form",
            "milepael-nadd": "done_form",
        }.get(what)
        if form is None or key is None:
            raise
        form.add_error(None, exc.message)
        return _detail_page(request, commitment_id, **{key: form})
    return redirect("dialogue:commitment", commitment_id)
