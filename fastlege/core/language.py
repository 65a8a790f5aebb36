"""The page language is the one the person chose, never the browser's guess.

fastlege speaks Norwegian bokmål; the citizen's pages also exist in English (issue 20,
item 8). Django's ``LocaleMiddleware`` would pick English for every browser set to
English (``Accept-Language``), and show the rest of the site in Norwegian beside it.
Here only the language switch in the footer (``set_language``, which sets the language
cookie) changes the language; without that choice every page is in bokmål. The API
(``/api/``) is for programs and keeps ``Accept-Language``.

The switch sends the person back to the page's path without its query: a query may
hold what was typed in a search, and it would otherwise stand in the page's HTML.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def chosen_language(request: HttpRequest) -> str:
    """The language of the language cookie when it is one of ``LANGUAGES``, else the
    default (``LANGUAGE_CODE``)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


#: Paths of the API for other systems, where ``Accept-Language`` still chooses.
PROGRAM_PATHS = ("/api/",)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """``LocaleMiddleware`` without ``Accept-Language``: the cookie or bokmål."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(PROGRAM_PATHS):
            # Programs ask for a language by Accept-Language (docs/api.md: a field
            # error's detail is in the request's language); they have no cookie.
            super().process_request(request)
            return
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
