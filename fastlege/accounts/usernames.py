"""One canonical form of a user name, for the log-in limit and for uniqueness.

Two user names that a person cannot tell apart must count as one: full-width
letters (``ａｄｍｉｎ``), ligatures and other compatibility characters fold to
their plain form (Unicode NFKC), and case folds away (``Admin`` = ``admin``,
``STRASSE`` = ``straße``). The log-in limit counts failures per canonical name,
and no two users may share one (``UsernameKey``). Look-alikes across scripts
(a Cyrillic ``а`` for a Latin ``a``) are not NFKC-equivalent and are not folded.
"""

from __future__ import annotations

import unicodedata


def canonical(username: str) -> str:
    """NFKC case folding (Unicode's NFKC_Casefold, up to ignorable characters)."""
    folded = unicodedata.normalize("NFKC", username.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)
