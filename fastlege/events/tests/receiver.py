"""A webhook receiver on this machine for the tests (``http.server`` in a thread): it
answers 500 to the first ``fail`` POSTs, waits ``delay`` seconds before each answer,
and keeps every body it answered 2xx to, in order."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check of ``X-Fastlege-Signature`` (as in docs/events.md)."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False  # an old message replayed
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


class Receiver:
    def __init__(self, fail: int = 0, delay: float = 0.0) -> None:
        self.fail = fail
        self.delay = delay
        self.attempts: list[list[dict[str, Any]]] = []  # every POST, answered or not
        self.accepted: list[list[dict[str, Any]]] = []  # the POSTs answered 200
        self.signatures: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()
        self.url = ""

    def ids(self) -> list[int]:
        """The ids accepted, in the order they arrived (duplicates kept)."""
        with self.lock:
            return [e["id"] for batch in self.accepted for e in batch]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                batch = json.loads(body)
                with receiver.lock:
                    receiver.attempts.append(batch)
                    receiver.signatures.append((self.headers["X-Fastlege-Signature"], body))
                    failing = len(receiver.attempts) <= receiver.fail
                if receiver.delay:
                    time.sleep(receiver.delay)
                if failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.accepted.append(batch)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
