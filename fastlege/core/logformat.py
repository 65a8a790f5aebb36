"""Structured logs for production: one JSON object a line (``python-json-logger``).

Fields: ``time`` (ISO 8601, UTC offset), ``level``, ``logger``, ``message``, and
``exc_info`` (the traceback as text) when there is one, plus whatever ``extra`` a
call site passes. Personal data stays out twice over: call sites never log an
identity number, and the finished line goes through the same mask as the text
logs (``fastlege.core.logging.redact``), so a number in an exception's text or a
traceback's local values is masked too.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from fastlege.core.logging import redact


class JsonFormatter(_JsonFormatter):
    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            json_ensure_ascii=False,
        )

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
