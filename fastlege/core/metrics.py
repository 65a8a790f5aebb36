"""Metrics for the operator, in Prometheus' text format (``prometheus_client``).

* ``fastlege_http_requests_total{method, status, view}`` and
  ``fastlege_http_request_duration_seconds{method, view}``: every request, counted
  and timed by :class:`MetricsMiddleware` (outermost, so the whole stack is timed).
  ``view`` is the URL pattern's name (``web:municipality``), never the path: a path
  can hold ids, and a label per path would grow without end.
* ``fastlege_http_exceptions_total{view}``: requests that ended in an unhandled
  exception (the 500s users saw).
* ``fastlege_month_run_*``: the monthly update, read from the database at each
  scrape (:class:`MonthRunCollector`): the last completed month, when it finished,
  how long it took, and whether the newest attempt failed.

The endpoint ``/metrikker/`` is not public: it answers a scraper that sends
``Authorization: Bearer <METRICS_TOKEN>`` (the token from the environment,
compared in constant time), or a logged-in national administrator; anyone else
gets 401/403 and nothing else. With gunicorn's several worker processes, set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder the workers share: the counters
are then summed over the workers (``docs/operations.md``).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "fastlege_http_requests_total",
    "HTTP requests answered, by method, status and URL pattern name.",
    ["method", "status", "view"],
)
LATENCY = Histogram(
    "fastlege_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and URL pattern name.",
    ["method", "view"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
EXCEPTIONS = Counter(
    "fastlege_http_exceptions_total",
    "Requests that ended in an unhandled exception, by URL pattern name.",
    ["view"],
)
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _view(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else "") or "ukjent"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in KNOWN_METHODS else "other"
        view = _view(request)
        LATENCY.labels(method, view).observe(time.perf_counter() - started)
        REQUESTS.labels(method, str(response.status_code), view).inc()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        EXCEPTIONS.labels(_view(request)).inc()


class MonthRunCollector(Collector):
    """The monthly update's state, read at scrape time (one small query)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from fastlege.monthly.models import MonthRun

        done = MonthRun.objects.filter(status=MonthRun.Status.COMPLETED).order_by("-month").first()
        newest = MonthRun.objects.order_by("-started_at", "-id").first()
        month = GaugeMetricFamily(
            "fastlege_month_run_last_completed_month_timestamp_seconds",
            "The 1st of the last month carried over (Unix time; 0 before the first run).",
        )
        finished = GaugeMetricFamily(
            "fastlege_month_run_last_finished_timestamp_seconds",
            "When the last completed monthly run finished (Unix time).",
        )
        duration = GaugeMetricFamily(
            "fastlege_month_run_last_duration_seconds",
            "How long the last completed monthly run took.",
        )
        failed = GaugeMetricFamily(
            "fastlege_month_run_last_attempt_failed",
            "1 when the newest attempt of the monthly run failed (nothing of it kept).",
        )
        if done is not None:
            first = time.mktime(done.month.timetuple())
            month.add_metric([], first)
            if done.finished_at is not None:
                finished.add_metric([], done.finished_at.timestamp())
            duration.add_metric([], float((done.step_seconds or {}).get("total", 0.0)))
        else:
            month.add_metric([], 0.0)
        failed.add_metric(
            [], 1.0 if newest is not None and newest.status == MonthRun.Status.FAILED else 0.0
        )
        yield from (month, finished, duration, failed)


def _registry() -> CollectorRegistry:
    """What one scrape reports: the request metrics (summed over the worker processes
    when ``PROMETHEUS_MULTIPROC_DIR`` is set) and the monthly run's state."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, EXCEPTIONS):
            registry.register(collector)
    registry.register(MonthRunCollector())
    return registry


def _token_ok(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())


def _national(request: HttpRequest) -> bool:
    from fastlege.registry.services.access import scope_of

    user: Any = request.user
    return bool(user.is_authenticated and scope_of(user).national)


def metrics(request: HttpRequest) -> HttpResponse:
    if not (_token_ok(request) or _national(request)):
        if request.user.is_authenticated:
            return HttpResponse("Ingen tilgang.\n", status=403, content_type="text/plain")
        response = HttpResponse(
            "Krever innlogging eller token.\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="fastlege-metrikker"'
        return response
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
