"""The API's speed through the whole HTTP stack (issue 19): gunicorn, every middleware,
token authentication, the rate limit in the shared cache, the audit row.

Starts one gunicorn sync worker on the database in ``DATABASE_URL`` (seeded
beforehand, e.g. ``python bench/seed.py --scale national``), registers a national API
client, and times over one kept-alive connection:

* a person's GP by identity number (``POST /api/v1/lookup/gp/``, one person);
* 1 000 persons at a date in one call;
* a list's members, a page of 100 (``GET /api/v1/agreements/{id}/members/``);
* a page of 100 lists (``GET /api/v1/agreements/?municipality=…``).

    DATABASE_URL=postgres://... python bench/api.py --repeat 200
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {
    "DJANGO_SETTINGS_MODULE": "fastlege.settings",
    "SECRET_KEY": "benchmark-only-benchmark-only-benchmark-only",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DIALOGUE_SITE_URL": "https://fastlege.example",
    "SECURE_COOKIES": "0",
    "LOG_LEVEL": "WARNING",
    "ALLOW_SYNTHETIC_NIN": "1",
}
for key, value in ENV.items():
    os.environ.setdefault(key, value)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def line(name: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"{name:42s} n={len(ms):4d}  p50 {statistics.median(ms):7.1f} ms  "
        f"p95 {percentile(ms, 95):7.1f} ms  max {max(ms):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--municipality", default="0301")
    args = parser.parse_args()

    import django

    django.setup()
    from fastlege.accounts.models import Role
    from fastlege.api.models import ApiClient
    from fastlege.api.services.clients import issue_token, register_client
    from fastlege.registry.models import ListMembership, Resident
    from fastlege.web.models import ListLength

    client = ApiClient.objects.filter(name="bench/api.py").first()
    if client is None:
        secret = register_client(
            None, name="bench/api.py", role=Role.NATIONAL, rate_per_minute=100_000
        ).secret
    else:
        secret = issue_token(None, client).secret
    nins = list(
        Resident.objects.filter(
            pk__in=ListMembership.objects.filter(valid_to__isnull=True).values("resident_id")[:5000]
        ).values_list("nin", flat=True)[:5000]
    )
    big = (
        ListLength.objects.filter(members__gte=100)
        .order_by("agreement_id")
        .values_list("agreement_id", flat=True)
        .first()
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "fastlege.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/helse/")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        auth = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}

        def timed(method: str, path: str, body: object | None = None) -> float:
            data = json.dumps(body) if body is not None else None
            started = time.perf_counter()
            conn.request(method, path, body=data, headers=auth)
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - started
            assert response.status == 200, (path, response.status, payload[:300])
            return elapsed

        for _ in range(5):  # warm-up
            timed("POST", "/api/v1/lookup/gp/", {"persons": [{"nin": nins[0]}]})
        one = [
            timed("POST", "/api/v1/lookup/gp/", {"persons": [{"nin": nins[i % len(nins)]}]})
            for i in range(args.repeat)
        ]
        thousand = [
            timed(
                "POST",
                "/api/v1/lookup/gp/",
                {
                    "on": "2026-06-01",
                    "persons": [{"nin": n} for n in nins[k * 1000 : k * 1000 + 1000]],
                },
            )
            for k in range(min(5, len(nins) // 1000))
            for _ in range(2)
        ]
        members = [
            timed("GET", f"/api/v1/agreements/{big}/members/?limit=100")
            for _ in range(args.repeat // 2)
        ]
        lists = [
            timed("GET", f"/api/v1/agreements/?municipality={args.municipality}&limit=100")
            for _ in range(args.repeat // 4)
        ]
        print(f"residents on lists sampled: {len(nins)}; list with >=100 members: {big}")
        print(line("a person's GP (1 identity number)", one))
        print(line("1 000 persons at a date, one call", thousand))
        print(line("a list's members, page of 100", members))
        print(line(f"lists of {args.municipality}, page of 100", lists))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
