"""The public page of a list reduction's draw (trekning, fastlegeforskriften § 11).

Anyone may read it, logged in or not: the seed, the method, how many had to move to
which list, the households as pseudonyms and which were drawn, with the same as JSON
and a script that checks the draw (docs/draw.md). No resident is named. Only
reductions made with the published method have a page; others give 404.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from fastlege.registry.published_draws import publication, published


@require_GET
def draw_page(request: HttpRequest, reduction_id: int) -> HttpResponse:
    reduction = get_object_or_404(published(), pk=reduction_id)
    data = publication(reduction)
    drawn = {row["pseudonym"]: row["list"] for row in data["drawn"]}
    names = {t["list"]: t["name"] for t in data["targets"]}
    households = [
        {**h, "drawn_to": names.get(drawn.get(h["pseudonym"], 0), "")} for h in data["households"]
    ]
    return render(
        request,
        "web/draw.html",
        {
            "reduction": reduction,
            "data": data,
            "households": households,
            "drawn_households": len(drawn),
            "drawn_people": reduction.drawn,
        },
    )


@require_GET
def draw_json(request: HttpRequest, reduction_id: int) -> HttpResponse:
    reduction = get_object_or_404(published(), pk=reduction_id)
    response = JsonResponse(publication(reduction), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="trekning-{reduction.pk}.json"'
    return response
