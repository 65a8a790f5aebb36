"""The signed one-click unsubscribe link (RFC 8058).

The token is ``django.core.signing`` over the user's internal id and the kind (``*``:
every kind), with a timestamp: no name, no address, no identity number. A changed
token fails the signature; an old one (``MAX_AGE``) is refused; both change nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, reverse

from fastlege.notices.errors import Code, refuse
from fastlege.notices.models import Kind

SALT = "fastlege.notices.unsubscribe"
ALL = "*"
#: A link in an e-mail works this long (a weekly digest read months later still works).
MAX_AGE = 60 * 60 * 24 * 180


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str  # a Kind value, or ALL


def make(user_id: int, kind: str = ALL) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT)


def read(token: str) -> Unsubscribe:
    """The user and kind of a token; a coded refusal if it is changed or too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        refuse(Code.EXPIRED_LINK)
    except signing.BadSignature:
        refuse(Code.BAD_LINK)
    if not isinstance(data, dict):
        refuse(Code.BAD_LINK)
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or (kind != ALL and kind not in Kind.values):
        refuse(Code.BAD_LINK)
    return Unsubscribe(user_id, kind)


def site_url() -> str:
    return getattr(settings, "DIALOGUE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


_PLACEHOLDER = "TOKEN"


def url(user_id: int, kind: str = ALL) -> str:
    """The absolute one-click link for ``user_id`` and ``kind``. The path is reversed
    once per call site's settings and the token put in its place (a token is URL-safe:
    base64 and ``:``, which ``reverse`` leaves as they are) — the monthly pass makes
    tens of thousands of links."""
    path = _path_template(get_script_prefix())
    return site_url() + path.replace(_PLACEHOLDER, make(user_id, kind))


@functools.lru_cache(maxsize=8)
def _path_template(script_prefix: str) -> str:
    return reverse("notices:unsubscribe", args=[_PLACEHOLDER])
