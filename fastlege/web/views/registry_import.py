"""The municipality's import of its registry from files: upload, check (a dry run),
confirm, import. Only the municipality's own officers (national staff do not decide
for it); another municipality's officer gets 403, an unknown municipality 404.
Thin: ``registry.services.file_import`` checks and writes; the files wait for the
confirmation in ``web.import_uploads``. Works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fastlege.core.errors import DomainError
from fastlege.core.uploads import UploadError
from fastlege.reference.models import Municipality
from fastlege.registry.import_files import COLUMNS
from fastlege.registry.services.errors import Code
from fastlege.registry.services.file_import import ImportRefused, ImportReport, import_registry
from fastlege.web import import_uploads
from fastlege.web import selectors as ws
from fastlege.web.views.common import refused_is_forbidden


def _page(
    request: HttpRequest,
    muni: Municipality,
    *,
    report: ImportReport | None = None,
    token: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/municipality/import.html",
        {
            "municipality": muni,
            "report": report,
            "token": token,
            "error": error,
            "columns": COLUMNS,
            "max_mb": import_uploads.uploads.MAX_FILE_BYTES // (1024 * 1024),
        },
        status=status,
    )


def _run(request: HttpRequest, muni: Municipality, files: Any, *, dry_run: bool) -> Any:
    try:
        return import_registry(request.user, muni, files, dry_run)
    except ImportRefused as exc:
        return exc
    except DomainError as exc:
        if exc.code == Code.NOT_AUTHORISED:
            raise PermissionDenied(exc.messages[0]) from exc
        raise


@login_required
@refused_is_forbidden
def registry_import(request: HttpRequest, number: str) -> HttpResponse:
    """GET: the upload form. POST ``steg=sjekk`` with the files: the dry run's report
    and, if every line is good, a confirmation; POST ``steg=les-inn``: the import."""
    muni = ws.municipality_for_viewer(request.user, number)
    if not ws.may_import_registry(request.user, number):
        raise PermissionDenied(_("Bare kommunens egne saksbehandlere kan lese inn registeret."))
    if request.method != "POST":
        return _page(request, muni)
    step = request.POST.get("steg", "")
    if step == "les-inn":
        token = request.POST.get("token", "")
        files = import_uploads.staged(request.session, muni.number, token)
        if files is None:
            return _page(
                request,
                muni,
                error=_("Filene er ikke lenger tilgjengelige. Last dem opp og sjekk dem på nytt."),
                status=400,
            )
        outcome = _run(request, muni, files, dry_run=False)
        import_uploads.discard(request.session)
        if isinstance(outcome, ImportRefused):
            return _page(
                request, muni, report=outcome.report, error=outcome.messages[0], status=400
            )
        messages.success(request, _("Registeret er lest inn."))
        return _page(request, muni, report=outcome)
    if step != "sjekk":
        return _page(request, muni, error=_("Ukjent steg."), status=400)
    import_uploads.discard(request.session)
    try:
        files = import_uploads.read_uploads(request.FILES)
    except UploadError as exc:
        return _page(request, muni, error=exc.messages[0], status=400)
    if not files:
        return _page(request, muni, error=_("Velg filene som skal leses inn."), status=400)
    outcome = _run(request, muni, files, dry_run=True)
    if isinstance(outcome, ImportRefused):
        return _page(request, muni, report=outcome.report, error=outcome.messages[0], status=400)
    token = import_uploads.stage(request.session, muni.number, files)
    return _page(request, muni, report=outcome, token=token)
