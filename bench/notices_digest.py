"""Benchmark the daily digest (``send-digests``, docs/notices.md): 10 000 users with 5
queued notices each get one e-mail each.

Example (SQLite file by default, or a PostgreSQL database of your own)::

    python bench/notices_digest.py
    python bench/notices_digest.py --url postgres://fastlege@127.0.0.1:55432/h_notices

What it does:

1. ``migrate`` (not timed); removes the users of an earlier run (``bench-notice-*``)
   and makes ``--users`` users with an e-mail address;
2. queues ``--per-user`` notices for each through ``notices.notify_many`` (kind
   «oppfølging», daily by default) on a Tuesday at noon: timed as *queue*;
3. runs ``send_digests`` the next morning at 07:00 Oslo time, e-mail to Django's
   in-memory backend (the building, signing and handing over of each message is timed,
   not an SMTP server): *digests*, of which *deliver* is the sending of the recorded
   e-mails (one row lock and update per message) and the rest writing the digests
   (``BATCH`` users per transaction);
4. runs it again at once: it must write and send nothing (*again*);
5. the floor: as many one-UPDATE transactions by primary key on the e-mail table as
   there were digests (*floor*: what the database alone needs to claim each e-mail),
   and building and handing over as many messages without the database (*build*).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import environment, machine  # noqa: E402

PREFIX = "bench-notice-"


def database_floor_and_build(model: Any, n: int) -> tuple[float, float]:
    """What delivery cannot go below: ``n`` transactions of one UPDATE by primary key
    on the e-mail table (the claim), and building and handing over ``n`` messages to
    the in-memory backend without the database."""
    from django.core.mail import get_connection
    from django.db import connection, transaction

    from fastlege.notices import delivery

    table = model._meta.db_table
    ids = list(model.objects.order_by("-pk").values_list("pk", flat=True)[:n])
    started = time.perf_counter()
    with connection.cursor() as cur:
        for pk in ids:
            with transaction.atomic():
                cur.execute(
                    f"UPDATE {table} SET attempts = attempts WHERE id = %s",  # noqa: S608
                    [pk],
                )
    floor = time.perf_counter() - started
    emails = list(model.objects.filter(pk__in=ids))
    backend = get_connection()
    started = time.perf_counter()
    for email in emails:
        delivery.message(email, backend).send()
    return floor, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"sqlite:///{ROOT / 'data' / 'bench-notices.sqlite3'}")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--per-user", type=int, default=5)
    args = parser.parse_args()

    env = environment(args.url)
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    subprocess.run(
        [sys.executable, "-m", "fastlege", "migrate", "--no-input", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.db import connection, transaction

    from fastlege.notices import delivery, digests
    from fastlege.notices.models import Kind, Notice, NoticeEmail
    from fastlege.notices.services import notify_many

    mail.outbox = []
    User = get_user_model()
    User.objects.filter(username__startswith=PREFIX).delete()
    NoticeEmail.objects.filter(user__isnull=True).delete()
    User.objects.bulk_create(
        [
            User(username=f"{PREFIX}{i}", email=f"person{i}@example.no", password="!")
            for i in range(args.users)
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith=PREFIX).only("pk", "email", "is_active"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    tuesday_noon = datetime.datetime(2026, 1, 13, 11, 0, tzinfo=datetime.UTC)
    started = time.perf_counter()
    with transaction.atomic():
        for n in range(args.per_user):
            notify_many(
                users=users,
                kind=Kind.ACTION,
                subject=f"Oppfølgingspunkt {n + 1} har fått ny status",
                body="Status er nå «pågår». Frist 01.03.2026.",
                url="/dialog/",
                now=tuesday_noon,
            )
    queue = time.perf_counter() - started
    queued = Notice.objects.filter(email__isnull=True, user__username__startswith=PREFIX).count()

    delivering = {"seconds": 0.0}
    real_deliver = delivery.deliver

    def timed_deliver(ids):
        t = time.perf_counter()
        try:
            return real_deliver(ids)
        finally:
            delivering["seconds"] += time.perf_counter() - t

    delivery.deliver = timed_deliver
    digests.delivery.deliver = timed_deliver
    wednesday = datetime.datetime(2026, 1, 14, 6, 0, tzinfo=datetime.UTC)  # 07:00 in Oslo
    started = time.perf_counter()
    result = digests.send_digests(now=wednesday)
    total = time.perf_counter() - started
    started = time.perf_counter()
    again = digests.send_digests(now=wednesday + datetime.timedelta(minutes=5))
    again_seconds = time.perf_counter() - started
    assert result.digests == args.users and result.notices == queued, result
    assert len(mail.outbox) == args.users
    assert (again.digests, again.sent) == (0, 0), again
    floor, build = database_floor_and_build(digests.NoticeEmail, args.users)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "machine": machine(),
                "load": os.getloadavg()[0],
                "users": args.users,
                "notices": queued,
                "queue_s": round(queue, 2),
                "digests_s": round(total, 2),
                "deliver_s": round(delivering["seconds"], 2),
                "write_s": round(total - delivering["seconds"], 2),
                "digests": result.digests,
                "sent": result.sent,
                "again_s": round(again_seconds, 2),
                "per_digest_ms": round(1000 * total / max(result.digests, 1), 2),
                "floor_s": round(floor, 2),
                "build_s": round(build, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
