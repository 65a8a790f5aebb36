"""Load test of the citizen's pages (issue 6): concurrent citizens search and switch.

Bounded: ``--users`` threads (default 50) for ``--seconds`` (default 60), only
against the server at ``--url`` on this machine (127.0.0.1). Each virtual citizen
is a real bench user with a session made in the database (no password hashing in
the loop) and loops: open the search page for their municipality, pick a list that
takes new residents, switch to it (POST with the CSRF token), open their main page,
and cancel the switch (so the next round may switch again: a cancelled switch does
not count against the two a year).

Prints throughput and p50/p95/p99 per step, then checks that no list went above its
ceiling (ceiling − members − pending incoming ≥ 0 for every list switched to).
Everything it made (users, sessions, switch requests, audit rows) is deleted.

    python bench/web_load.py --url http://127.0.0.1:8000 --municipality 5001

Run the server against the same database (``DATABASE_URL``) first, e.g.
``SECURE_COOKIES=0 fastlege runserver 127.0.0.1:8000 --noreload`` (plain HTTP on
the loopback), with the same ``SECRET_KEY`` as this script (the sessions it makes
are signed with it).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastlege.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOW_SYNTHETIC_NIN", "1")

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SWITCH_FORM = re.compile(
    r'action="(/innbygger/person/\d+/bytt/)".*?name="agreement" value="(\d+)"', re.S
)
CANCEL = re.compile(r'action="(/innbygger/person/\d+/bytte/\d+/kanseller/)"')


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--municipality", default="5001")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        sys.exit("only a server on this machine (127.0.0.1) may be load-tested")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from fastlege.accounts.models import Role, RoleAssignment
    from fastlege.core.models import AuditEvent
    from fastlege.registry.capacity import occupancy_annotations
    from fastlege.registry.models import Agreement, ListMembership, SwitchRequest

    User = get_user_model()
    residents = list(
        ListMembership.objects.filter(
            valid_to__isnull=True,
            agreement__municipality_id=args.municipality,
            resident__birth_date__lt="2000-01-01",
        )
        .exclude(resident__switch_requests__status=SwitchRequest.Status.PENDING)
        .order_by("resident_id")
        .values_list("resident_id", flat=True)[: args.users * 5 : 5]
    )
    first_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_switch = SwitchRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    users, sessions = [], []
    for i, rid in enumerate(residents):
        u = User.objects.create_user(f"bench-load-{i}-{time.time_ns()}")
        RoleAssignment.objects.create(user=u, role=Role.CITIZEN, resident_id=rid)
        s = SessionStore()
        s[SESSION_KEY] = str(u.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = u.get_session_auth_hash()
        s.create()
        users.append(u)
        sessions.append(s.session_key)

    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    done = {"switches": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds

    def worker(session_key: str) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"

        def call(step: str, path: str, data: dict[str, str] | None = None) -> str:
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            req = urllib.request.Request(args.url + path, data=body)
            req.add_header("Cookie", cookie + "".join(f"; {c.name}={c.value}" for c in jar))
            if data is not None:
                req.add_header("Referer", args.url + path)
            t = time.perf_counter()
            try:
                with opener.open(req, timeout=60) as r:  # noqa: S310 - 127.0.0.1 only
                    text = r.read().decode()
            except Exception:  # noqa: BLE001 - counted and reported
                with lock:
                    errors[step] += 1
                return ""
            with lock:
                timings[step].append((time.perf_counter() - t) * 1000)
            return text

        start = call("start", "/innbygger/")
        person = re.search(r"/innbygger/person/(\d+)/", start)
        if not person:
            return
        pid = person.group(1)
        while time.monotonic() < stop_at:
            page = call(
                "search",
                f"/innbygger/person/{pid}/finn/?kommune={args.municipality}&bare_ledige=on",
            )
            forms = SWITCH_FORM.findall(page)
            token = TOKEN.search(page)
            if not forms or not token:
                continue
            action, agreement = forms[hash(pid + str(time.monotonic())) % len(forms)]
            main_page = call(
                "switch", action, {"csrfmiddlewaretoken": token.group(1), "agreement": agreement}
            )
            cancel = CANCEL.search(main_page)
            token = TOKEN.search(main_page)
            if cancel and token:
                with lock:
                    done["switches"] += 1
                call("cancel", cancel.group(1), {"csrfmiddlewaretoken": token.group(1)})

    threads = [threading.Thread(target=worker, args=(k,)) for k in sessions]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + 120)
    elapsed = time.monotonic() - began

    try:
        total = sum(len(v) for v in timings.values())
        print(f"# bench/web_load.py: {len(sessions)} citizens, {elapsed:.0f} s, {args.url}")
        print(
            f"requests: {total}, {total / elapsed:.1f}/s; switches made and cancelled: "
            f"{done['switches']} ({done['switches'] / elapsed:.1f}/s); errors: {dict(errors)}"
        )
        print(f"{'step':10} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for step, values in timings.items():
            print(
                f"{step:10} {len(values):7d} {statistics.median(values):8.1f} "
                f"{percentile(values, 0.95):8.1f} {percentile(values, 0.99):8.1f}"
            )
        targets = set(
            SwitchRequest.objects.filter(pk__gt=first_switch).values_list(
                "to_agreement_id", flat=True
            )
        )
        occ = occupancy_annotations()
        over = [
            (a.pk, a.ceiling, a.members, a.incoming)
            for a in Agreement.objects.filter(pk__in=targets).annotate(
                members=occ["members"], incoming=occ["incoming"]
            )
            if a.members + a.incoming > a.ceiling
        ]
        print(f"lists switched to: {len(targets)}; above their ceiling: {len(over)} {over[:5]}")
    finally:
        SwitchRequest.objects.filter(pk__gt=first_switch, requested_by__in=users).delete()
        AuditEvent.objects.filter(pk__gt=first_audit, actor__in=users).delete()
        Session.objects.filter(session_key__in=sessions).delete()
        RoleAssignment.objects.filter(user__in=users).delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()


if __name__ == "__main__":
    main()
