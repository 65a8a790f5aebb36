"""The county governor's pages and the national administrator's pages. The county
governor reads the county's registry and keeps one thing of its own: the follow-up
list's note and last contact per municipality."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fastlege.dialogue.followup import county_followup, term_label
from fastlege.dialogue.selectors_actions import open_actions_for_county_governor, owner_panel
from fastlege.dialogue.services import may_follow_up, record_follow_up
from fastlege.monthly.selectors import recent_runs
from fastlege.stats.severity import WEIGHTS
from fastlege.web import selectors as ws
from fastlege.web.forms import FollowUpForm
from fastlege.web.views.common import act, figures_context, form_errors, refused_is_forbidden

#: The indicator the county governor's map shows first (andel lister uten fast lege).
DEFAULT_INDICATOR = "andel_uten_lege"


@login_required
@refused_is_forbidden
def county(request: HttpRequest, number: str) -> HttpResponse:
    c = ws.county_for_viewer(request.user, number)
    rows = ws.county_overview(request.user, c)
    the_map = ws.county_map(request.user, c, request.GET.get("indikator", DEFAULT_INDICATOR))
    followup = county_followup(c)
    can_follow_up = may_follow_up(request.user, c.number)
    for r in followup.rows:
        if can_follow_up:
            f = r.follow_up
            r.form = FollowUpForm(  # type: ignore[attr-defined]
                initial={
                    "note": f.note if f else "",
                    "last_contacted": f.last_contacted if f else None,
                },
                auto_id=f"f{r.number}_%s",
            )
    return render(
        request,
        "web/area/county.html",
        {
            "county": c,
            **figures_context(rows, reverse("stats:county", args=[c.number])),
            "map": the_map,
            "followup": followup,
            "can_follow_up": can_follow_up,
            "weights": [(term_label(k), v) for k, v in WEIGHTS.items()],
            **owner_panel(open_actions_for_county_governor(request.user, c.number), request.path),
        },
    )


@require_POST
@login_required
@refused_is_forbidden
def follow_up(request: HttpRequest, number: str, municipality: str) -> HttpResponse:
    """The county governor saves the note and last contact of one municipality."""
    c = ws.county_for_viewer(request.user, number)
    if not c.municipalities.filter(number=municipality).exists():
        raise Http404
    back = reverse("web:county", args=[number]) + f"#oppfolging-{municipality}"
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    return act(
        request,
        lambda: record_follow_up(
            request.user,
            municipality,
            note=data["note"],
            last_contacted=data["last_contacted"],
        ),
        success=_("Oppfølgingen er lagret."),
        redirect_to=back,
    )


@login_required
@refused_is_forbidden
def national(request: HttpRequest) -> HttpResponse:
    rows = ws.national_overview(request.user)
    runs = recent_runs(request.user)
    return render(
        request,
        "web/area/national.html",
        {"runs": runs, **figures_context(rows, reverse("stats:national"))},
    )
