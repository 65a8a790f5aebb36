"""The registry's events (issue 19): the feed's read rate through the whole HTTP stack,
and webhook delivery of ~80 000 events to a receiver on this machine.

On a seeded database in ``DATABASE_URL`` (a throwaway one, never ``national``: the
benchmark writes to it):

1. ``--events`` N events are written by the triggers, as a monthly update writes
   them: N/2 open list places are ended with one ``UPDATE`` and N/2 new ones started
   with one ``INSERT … SELECT`` (committed). Then they are published (numbered),
   timed.
2. Feed: one gunicorn sync worker (every middleware, token authentication, the rate
   limit, an audit row per page naming the persons); a national client reads every
   new event with ``limit=1000`` over one kept-alive connection. Events per second.
3. Webhooks: a receiver (``http.server`` in a thread) and a national subscription
   made before the events; ``fastlege deliver-webhooks --once --batch 1000`` in a
   child process, timed. The receiver checks that every event arrived once, in order.

    DATABASE_URL=postgres://…/h_events_bench python bench/events.py --events 80000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import ENV, free_port  # noqa: E402  (sets the production-like settings)

GENERATE = [
    "CREATE TEMP TABLE bench_moved ON COMMIT DROP AS "
    "SELECT id, resident_id, agreement_id FROM registry_listmembership "
    "WHERE valid_to IS NULL AND valid_from < '2026-03-01' ORDER BY id LIMIT %s",
    "UPDATE registry_listmembership SET valid_to = '2026-03-01', end_reason = 'bytte' "
    "WHERE id IN (SELECT id FROM bench_moved)",
    "INSERT INTO registry_listmembership "
    "(valid_from, valid_to, begin_reason, end_reason, agreement_id, resident_id) "
    "SELECT '2026-03-01', NULL, 'valgt', '', agreement_id, resident_id FROM bench_moved",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=80_000)
    parser.add_argument("--batch", type=int, default=1000, help="events per webhook POST")
    args = parser.parse_args()
    assert not os.environ.get("DATABASE_URL", "").endswith("/national"), "never `national`"

    import django

    django.setup()
    from django.db import connection, transaction

    from fastlege.accounts.models import Role
    from fastlege.api.models import ApiClient
    from fastlege.api.services.clients import issue_token, register_client
    from fastlege.events.models import Event
    from fastlege.events.services import subscriptions
    from fastlege.events.services.publish import publish
    from fastlege.events.tests.receiver import Receiver, running

    client = ApiClient.objects.filter(name="bench/events.py").first()
    if client is None:
        issued = register_client(
            None, name="bench/events.py", role=Role.NATIONAL, rate_per_minute=100_000
        )
        client, secret = issued.client, issued.secret
    else:
        secret = issue_token(None, client).secret
    publish()
    mark = Event.objects.order_by("-position").values_list("position", flat=True).first() or 0

    with running(Receiver()) as receiver:
        sub = subscriptions.create_subscription(None, client=client, url=receiver.url)
        assert sub.subscription.cursor == mark

        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(GENERATE[0], [args.events // 2])
            else:  # SQLite has no ON COMMIT DROP
                cur.execute(GENERATE[0].replace(" ON COMMIT DROP", ""), [args.events // 2])
            cur.execute(GENERATE[1])
            cur.execute(GENERATE[2])
            if connection.vendor != "postgresql":
                cur.execute("DROP TABLE bench_moved")
        written = time.perf_counter() - started
        started = time.perf_counter()
        published = publish()
        numbering = time.perf_counter() - started
        print(f"# bench/events.py on {connection.vendor}")
        print(
            f"events written by the triggers: {published} (the two bulk statements with "
            f"their triggers {written:.2f} s); published (numbered) in {numbering:.2f} s"
        )

        feed_rate = read_feed(secret, mark, published)
        print(f"feed: {feed_rate:,.0f} events/s through the HTTP stack (target ≥ 5 000)")

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fastlege.settings"}
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-m", "fastlege", "deliver-webhooks", "--once"]
            + ["--batch", str(args.batch)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        assert child.returncode == 0, child.stdout + child.stderr
        ids = receiver.ids()
    expected = list(range(mark + 1, mark + published + 1))
    assert ids == expected, "every event once, in order"
    print(
        f"webhooks: {len(ids)} events in {len(receiver.accepted)} POSTs of {args.batch} "
        f"in {wall:.1f} s ({len(ids) / wall:,.0f} events/s; target < 120 s), "
        f"all once and in order"
    )


def read_feed(secret: str, after: int, expected: int) -> float:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "fastlege.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
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
        auth = {"Authorization": f"Bearer {secret}"}
        pages: list[float] = []
        total = 0
        started = time.perf_counter()
        while True:
            begun = time.perf_counter()
            conn.request("GET", f"/api/v1/events/?after={after}&limit=1000", headers=auth)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, body[:300]
            page = json.loads(body)
            pages.append(time.perf_counter() - begun)
            total += len(page["results"])
            if not page["more"]:
                break
            after = page["results"][-1]["id"]
        elapsed = time.perf_counter() - started
        assert total == expected, (total, expected)
        print(
            f"feed: {total} events in {len(pages)} pages of 1 000 in {elapsed:.2f} s "
            f"(page p50 {statistics.median(pages) * 1000:.0f} ms, max {max(pages) * 1000:.0f} ms)"
        )
        return total / elapsed
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    for key, value in ENV.items():
        os.environ.setdefault(key, value)
    main()
