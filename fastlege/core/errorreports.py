"""Django's error reports without identity numbers (issue 18, M5 and the low item
«identity numbers unmasked in tracebacks»).

Django writes a report of an unhandled exception in two places: the technical
500 page (only with ``DEBUG``) and the e-mail to ``ADMINS`` (``mail_admins``,
without ``DEBUG``). Both show the frames' local variables, the POST data, the
request's URL and headers and the exception's message, any of which can hold an
identity number (a search term, a form field, a ``Resident`` in a local).

* :class:`IdentityNumberReporterFilter` (setting ``DEFAULT_EXCEPTION_REPORTER_FILTER``)
  masks every eleven-digit run (:func:`fastlege.core.logging.redact`) in the local
  variables, the POST parameters and the request headers, also with ``DEBUG`` on
  (where Django's own filter does nothing), on top of Django's cleansing of
  passwords and keys.
* :class:`RedactingExceptionReporter` (setting ``DEFAULT_EXCEPTION_REPORTER``)
  masks the finished report, HTML and text, as the last step: the exception
  message, the URL and anything a ``repr`` showed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from fastlege.core.logging import redact


def _masked(value: Any) -> Any:
    """``value``, or its masked ``repr`` when that shows an identity number."""
    if isinstance(value, str):
        return redact(value)
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not break the report
        return value
    masked = redact(text)
    return value if masked == text else masked


class IdentityNumberReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        params = super().get_post_parameters(request)
        if not params:
            return params
        source: Any = params  # request.POST or Django's cleansed copy: a QueryDict
        cleansed = QueryDict(mutable=True)
        for key, values in source.lists():
            cleansed.setlist(redact(key), [_masked(v) for v in values])
        return cleansed

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        items = super().get_traceback_frame_variables(request, tb_frame)
        return {name: _masked(value) for name, value in items}.items()

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        return {key: _masked(value) for key, value in meta.items()}


class RedactingExceptionReporter(ExceptionReporter):
    # Masking puts «*» in place of digits: what was safe HTML stays safe.
    def get_traceback_html(self) -> SafeString:
        return mark_safe(redact(super().get_traceback_html()))  # noqa: S308

    def get_traceback_text(self) -> SafeString:
        return mark_safe(redact(super().get_traceback_text()))  # noqa: S308
