"""Log filter that removes anything shaped like a national identity number.

A belt-and-braces measure: code must never log identity numbers in the first
place, but if one slips into a log line — an access log line with a number in
the URL, an exception message, a traceback — it is masked here.

What is masked: **every run of exactly eleven digits** (optionally with one
separator after the first six, also URL-encoded), not only the numbers python-stdnum accepts. A
number with a typo, a synthetic (Tenor) number or a D-number is as personal as
a valid one, and a check-digit test would let the mistyped ones through. Longer
or shorter digit runs (timestamps, HPR and organisation numbers, ids) are left.

The filter is installed on every handler of ``LOGGING`` (fastlege/settings.py),
including ``django.server`` (runserver's access log) and gunicorn's access and
error logs (:func:`install_on_gunicorn_loggers`, called by ``fastlege/wsgi.py``).
A handler filter sees every record the handler writes, also those propagated
from child loggers (a logger's own filters do not).

The traceback is masked in ``record.exc_text``, which ``logging.Formatter``
prints when it is set. A formatter that formats ``record.exc_info`` itself
(python-json-logger's ``JsonFormatter`` does, whenever ``exc_info`` is set) would
print the unmasked traceback: give such a handler a formatter that uses
``exc_text``, or mask its output with :func:`redact`.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

#: Six digits, at most one separator as typed or URL-encoded (a space, «+», «%20»,
#: «-»), five digits, and no digit on either side.
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{6}(?:\s|\+|%20|-)?\d{5}(?!\d)")
MASK = "***********"


def redact(text: str) -> str:
    return ELEVEN_DIGITS.sub(MASK, text)


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        masked = redact(text)
        return value if masked == text else masked
    return value


class RedactIdentityNumbers(logging.Filter):
    """Mask identity numbers in a record's message, arguments, traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: mask the parts
            record.msg = redact(str(record.msg))
            if isinstance(record.args, tuple):
                record.args = tuple(_redact_arg(a) for a in record.args)
        else:
            redacted = redact(message)
            if redacted != message:
                record.msg = redacted
                record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # Format the traceback now, masked; formatters use exc_text when set.
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


#: The redacting filter, as a ``LOGGING`` entry.
FILTER_CONFIG = {"()": "fastlege.core.logging.RedactIdentityNumbers"}

#: gunicorn's loggers: the access log (the request line, query string included) and
#: the error log (a worker's "Error handling request /path?..." with its traceback).
GUNICORN_LOGGERS = ("gunicorn.access", "gunicorn.error")


def install_on_gunicorn_loggers() -> int:
    """Add the filter to every handler of gunicorn's loggers; the number of handlers.

    Called by ``fastlege/wsgi.py`` when a gunicorn worker loads the application
    (gunicorn has set up its handlers by then, from ``--access-logfile`` and
    ``--error-logfile`` or a ``logconfig_dict``), so the documented command
    (docs/deployment.md) masks without options of its own. Outside gunicorn the
    loggers have no handlers and nothing happens. Idempotent.
    """
    count = 0
    for name in GUNICORN_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactIdentityNumbers) for f in handler.filters):
                handler.addFilter(RedactIdentityNumbers())
            count += 1
    return count
