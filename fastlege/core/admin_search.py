"""Admin searches kept on the server: the term in the session, a token in the URL.

The admin's search box POSTs its term (:meth:`PostSearchMixin.search_view`, a base
of ``NationalScaleMixin`` in :mod:`fastlege.core.admin_tools`); the term is kept
under a random token (:func:`keep_search`)
and the list is opened with ``?sok=<token>``, so no search term (an identity
number above all) reaches a URL, a browser history or an access log
(issue 18, M5; docs/security.md). A kept search belongs to one list, lasts an
hour at most, and a session keeps the newest :data:`SEARCH_TOKENS_KEPT`.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

#: Eleven digits, optionally with one space after the birth date: an identity number.
NIN_PATTERN = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")

#: HTML ``pattern`` for search boxes: refuse anything containing an identity number.
NIN_HTML_PATTERN = r"(?![\s\S]*\d{6}\s?\d{5})[\s\S]*"

#: The query parameter naming a search kept in the session (never the term itself).
SEARCH_TOKEN_VAR = "sok"  # noqa: S105 - a parameter name, no secret
#: Where the kept searches live in the session: ``{token: [model, term, time]}``.
SEARCH_SESSION_KEY = "fastlege_admin_searches"
#: A kept search expires after this many seconds (the session itself after an hour).
SEARCH_TOKEN_MAX_AGE = 60 * 60
#: At most this many kept searches per session; the oldest goes first.
SEARCH_TOKENS_KEPT = 20
#: The request attribute that carries a kept search's term to the change list.
SEARCH_TERM_ATTRIBUTE = "fastlege_admin_search_term"


def keep_search(request: HttpRequest, model_label: str, term: str) -> str:
    """Keep ``term`` (a search on the list of ``model_label``) in the session; the
    random token that names it in the list's URL instead of the term."""
    now = time.time()
    kept = {
        token: entry
        for token, entry in request.session.get(SEARCH_SESSION_KEY, {}).items()
        if now - entry[2] < SEARCH_TOKEN_MAX_AGE
    }
    token = secrets.token_urlsafe(12)
    kept[token] = [model_label, term, now]
    newest = sorted(kept.items(), key=lambda item: item[1][2])[-SEARCH_TOKENS_KEPT:]
    request.session[SEARCH_SESSION_KEY] = dict(newest)
    return token


def kept_search(request: HttpRequest, model_label: str, token: str) -> str | None:
    """The term kept under ``token`` for this list, or None (unknown, expired, another list)."""
    entry = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
    if entry is None or entry[0] != model_label:
        return None
    if time.time() - entry[2] >= SEARCH_TOKEN_MAX_AGE:
        return None
    return str(entry[1])


class TokenSearchChangeList(ChangeList):
    """A change list that searches by a kept term: ``?sok=<token>`` is no filter, the
    term searched is the kept one, and every link of the page (pages, sorting,
    filters) carries the token, never the term."""

    def get_filters_params(self, params: Any = None) -> Any:
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_TOKEN_VAR, None)
        return lookup_params

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        term = getattr(request, SEARCH_TERM_ATTRIBUTE, None)
        if term is not None:
            self.query = term
        return super().get_queryset(request, exclude_parameters)

    @property
    def search_url(self) -> str:
        """Where the search box POSTs its term ("" without one: the box falls back to GET)."""
        try:
            return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_search")
        except NoReverseMatch:
            return ""


class PostSearchMixin(admin.ModelAdmin):
    """The search box POSTs to ``<list>/sok/`` (:meth:`search_view`); the list opens
    with the kept term's token (:meth:`changelist_view`). Needs a change list built
    on :class:`TokenSearchChangeList` (``get_changelist``)."""

    #: The field (path) holding the identity number of the person a row is about, to
    #: find a person by number through the POST search; None: numbers are refused.
    nin_search_field: str | None = None

    nin_refused_message = _(
        "Denne listen kan ikke søkes på fødselsnummer. "
        "Bruk «Finn person med fødselsnummer» på innbyggerlisten."
    )

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        search = path(
            "sok/",
            self.admin_site.admin_view(self.search_view),
            name=f"{opts.app_label}_{opts.model_name}_search",
        )
        return [search, *super().get_urls()]

    def _changelist_url(self, params: Any) -> str:
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        query = params.urlencode()
        return url + (f"?{query}" if query else "")

    def search_view(self, request: HttpRequest) -> HttpResponse:
        """The search box's POST: keep the term, redirect to the list with its token.

        The list's other parameters (filters, popup) come along as hidden fields.
        An identity number on a list without ``nin_search_field`` is refused.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self._changelist_url(QueryDict()))
        params = request.POST.copy()
        for name in ("csrfmiddlewaretoken", SEARCH_VAR, SEARCH_TOKEN_VAR, PAGE_VAR):
            params.pop(name, None)
        term = " ".join(request.POST.get(SEARCH_VAR, "").split())
        if term and NIN_PATTERN.search(term) and not self.nin_search_field:
            messages.error(request, self.nin_refused_message)
        elif term:
            params[SEARCH_TOKEN_VAR] = keep_search(request, self.model._meta.label_lower, term)
        return HttpResponseRedirect(self._changelist_url(params))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        token = request.GET.get(SEARCH_TOKEN_VAR)
        if token is not None:
            term = kept_search(request, self.model._meta.label_lower, token)
            if term is None:
                params = request.GET.copy()
                del params[SEARCH_TOKEN_VAR]
                messages.warning(request, _("Søket er utløpt. Søk på nytt."))
                return HttpResponseRedirect(self._changelist_url(params))
            setattr(request, SEARCH_TERM_ATTRIBUTE, term)
        return super().changelist_view(request, extra_context)
