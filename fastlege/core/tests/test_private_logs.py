"""No identity number in any log line or error report (issue 18, M5 and the low item
«identity numbers unmasked in tracebacks»)."""

from __future__ import annotations

import datetime
import io
import logging
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class
from stdnum.no import fodselsnummer

from fastlege.core.errorreports import IdentityNumberReporterFilter, RedactingExceptionReporter
from fastlege.core.logging import RedactIdentityNumbers, install_on_gunicorn_loggers

# A valid fødselsnummer (check digits per python-stdnum), not written by the code under test.
NIN = "15108695088"
SPACED = "151086 95088"


def test_the_example_is_a_real_format_number() -> None:
    assert fodselsnummer.is_valid(NIN)


def _handler() -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactIdentityNumbers())
    return handler, stream


@pytest.fixture
def logger() -> Any:
    log = logging.getLogger("fastlege.tests.private_logs")
    handler, stream = _handler()
    log.addHandler(handler)
    log.propagate = False
    yield log, stream
    log.removeHandler(handler)
    log.propagate = True


def test_a_number_in_the_message_the_arguments_or_the_traceback_is_masked(logger: Any) -> None:
    log, stream = logger
    log.warning(f"oppslag på {NIN} feilet")
    log.warning("oppslag på %s feilet (%s)", SPACED, 12)
    log.warning("oppslag på %(nin)s", {"nin": int(NIN)})
    try:
        raise ValueError(f"ugyldig fødselsnummer {NIN}")
    except ValueError:
        log.exception("feil i %s", "søk")
    text = stream.getvalue()
    assert NIN not in text and SPACED not in text and "151086" not in text
    assert text.count("***********") == 4
    assert "ValueError: ugyldig fødselsnummer ***********" in text  # the traceback stays
    assert "feil (12)" not in text and "feilet (12)" in text
    assert "Traceback (most recent call last)" in text


def test_other_numbers_are_left_alone(logger: Any) -> None:
    log, stream = logger
    log.info("liste %s, HPR %s, org %s, tid %s", 12345, 1234567, 974760673, 1733250000123)
    assert stream.getvalue().strip() == (
        "INFO liste 12345, HPR 1234567, org 974760673, tid 1733250000123"
    )


def test_every_configured_handler_masks() -> None:
    """Every handler of LOGGING, and every handler on the loggers it configures, has the
    filter (Django's own django.server handler is replaced)."""
    configured: dict[str, Any] = settings.LOGGING
    for name, handler in configured["handlers"].items():
        assert "redact_nin" in handler.get("filters", []), name
    # the loggers LOGGING configures, as configured (other tests' handlers aside)
    names = ["", *configured["loggers"]]
    checked = 0
    for name in names:
        for handler in logging.getLogger(name or None).handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's capture
            assert any(isinstance(f, RedactIdentityNumbers) for f in handler.filters), (
                name,
                handler,
            )
            checked += 1
    assert checked >= 3  # root console, django.server, mail_admins


def test_runservers_access_log_line_is_masked() -> None:
    server_log = logging.getLogger("django.server")
    (handler,) = [h for h in server_log.handlers if not type(h).__module__.startswith("_pytest")]
    stream = io.StringIO()
    old = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        request_handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
        request_handler.request = None  # type: ignore[assignment]
        request_handler.requestline = f"GET /admin/registry/resident/?q={NIN} HTTP/1.1"
        request_handler.log_message('"%s" %s %s', request_handler.requestline, "302", "0")
        request_handler.requestline = f"GET /admin/?q={NIN[:6]}+{NIN[6:]} HTTP/1.1"
        request_handler.log_message('"%s" %s %s', request_handler.requestline, "404", "0")
    finally:
        handler.setStream(old)  # type: ignore[attr-defined]
    text = stream.getvalue()
    assert "GET /admin/registry/resident/?q=*********** HTTP/1.1" in text
    assert NIN not in text and NIN[:6] not in text


def test_gunicorns_access_and_error_logs_are_masked(capsys: Any) -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    glog = Logger(cfg)  # as gunicorn's master sets it up with the documented options
    try:
        assert install_on_gunicorn_loggers() >= 2  # what fastlege/wsgi.py calls
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"/admin/registry/resident/?q={NIN}",
            "PATH_INFO": "/admin/registry/resident/",
            "QUERY_STRING": f"q={NIN}",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
        }
        response = SimpleNamespace(status="302 Found", headers=[], sent=0)
        glog.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(0, 1))
        glog.error("Error handling request /admin/?q=%s", NIN)
        for handler in [*glog.access_log.handlers, *glog.error_log.handlers]:
            handler.flush()
        captured = capsys.readouterr()
    finally:
        for log in (glog.access_log, glog.error_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
    text = captured.out + captured.err
    assert '"GET /admin/registry/resident/?q=*********** HTTP/1.1" 302' in text
    assert "Error handling request /admin/?q=***********" in text
    assert NIN not in text


def _report(request: Any) -> tuple[str, str, Any]:
    def lookup(nin: str) -> None:
        person = {"nin": nin}  # a local holding the number
        raise LookupError(f"ingen innbygger med {person['nin']}")

    try:
        lookup(NIN)
    except LookupError:
        exc_info = sys.exc_info()
    reporter_class: Any = get_exception_reporter_class(request)
    reporter = reporter_class(request, *exc_info)
    return reporter.get_traceback_html(), reporter.get_traceback_text(), reporter


@pytest.mark.parametrize("debug", [True, False])
def test_error_reports_hide_numbers_in_locals_post_data_url_and_message(
    settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug  # the technical 500 page (DEBUG) and the error e-mail (not)
    request = RequestFactory().post(f"/admin/sok/?q={NIN}", {"nin": NIN, "navn": "Kari"})
    html, text, reporter = _report(request)
    assert isinstance(reporter, RedactingExceptionReporter)
    assert isinstance(reporter.filter, IdentityNumberReporterFilter)
    for output in (html, text):
        assert NIN not in output
        assert "***********" in output
    post = reporter.filter.get_post_parameters(request)
    assert post["nin"] == "***********" and post["navn"] == "Kari"
    frames = [dict(reporter.filter.get_traceback_frame_variables(request, f)) for f in _frames()]
    assert frames and all(NIN not in repr(v) for frame in frames for v in frame.values())


def _frames() -> list[Any]:
    def inner(nin: str) -> Any:
        return sys._getframe()

    return [inner(NIN)]
