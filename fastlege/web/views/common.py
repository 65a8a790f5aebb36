"""Helpers shared by the views: refusals become a Norwegian message, not a stack trace."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from fastlege.core.errors import DomainError
from fastlege.registry import figures
from fastlege.registry.services.errors import Code


def refused_is_forbidden(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A read refused for lack of access is HTTP 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.code == Code.NOT_AUTHORISED:
                raise PermissionDenied(exc.messages[0]) from exc
            raise

    return wrapper


def say_refusal(request: HttpRequest, exc: DomainError) -> None:
    """A refusal as the person sees it: lack of access is HTTP 403, any other refusal
    its Norwegian message on the next page."""
    if exc.code == Code.NOT_AUTHORISED:
        raise PermissionDenied(exc.messages[0]) from exc
    messages.error(request, exc.messages[0])


def act(
    request: HttpRequest,
    operation: Callable[[], Any],
    *,
    success: str,
    redirect_to: str,
) -> HttpResponse:
    """Run a service call; on refusal show its Norwegian message. Post/redirect/get either
    way, so a reload never repeats the action. Lack of access is HTTP 403."""
    try:
        operation()
    except DomainError as exc:
        say_refusal(request, exc)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(redirect_to)


def form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without ``side``, ready for ``?{{ query }}side=N``."""
    params = request.GET.copy()
    params.pop("side", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def figures_context(
    rows: list[Any], stats_url: str, day: datetime.date | None = None
) -> dict[str, Any]:
    """What ``web/_figures.html`` and ``web/area/_figures_table.html`` need: the areas'
    rows, their total, the day the figures were counted, the figures' definitions and
    the latest month of the statistics (with a link to it), so that the page says which
    figures are live and which are monthly."""
    from fastlege.stats.selectors import latest_month

    return {
        "rows": rows,
        "totals": figures.total(r.figures for r in rows),
        "day": day or timezone.localdate(),
        "figure_defs": figures.FIGURES,
        "stats_month": latest_month(),
        "stats_url": stats_url,
    }
