"""The published method of a list reduction's draw (fastlegeforskriften § 11).

Anyone can check a draw made with method ``sha256-v2`` from what is published about
it (``publication``): the seed, the households as pseudonyms with their size and the
lists they may not be moved to (§§ 38–39), and how many places each receiving list
has. docs/draw.md holds a stand-alone script (the standard library only) that does
what ``draw`` does; a test runs that script against a real reduction's publication.

The method:

1. Households (``rules.household_units``) each get a pseudonym: HMAC-SHA256 with the
   reduction's own secret key over ``"<seed>:<first resident id>"``, the first twelve
   hex digits written ``xxxx-xxxx-xxxx``. The key is random per reduction and never
   published, so a pseudonym says nothing about who is behind it and cannot be linked
   to a pseudonym in another reduction.
2. The order of the draw: households sorted by SHA-256 of ``"<seed>:<pseudonym>"``
   (hex), smallest first.
3. In that order each household goes whole to the first receiving list, in the
   published order, with room for all of it and not barred for it; a household that
   fits nowhere stays. It stops when every list is full.

Method ``v1`` (reductions before this module) shuffled the households with Python's
``random.Random(seed)``; it is reproduced by ``rules.draw_reduction`` but not
published, since its input is the residents' internal ids.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

METHOD = "sha256-v2"
LEGACY_METHOD = "v1"


@dataclass(frozen=True)
class Household:
    """One household as the published draw shows it."""

    pseudonym: str
    size: int
    #: Receiving lists this household may not be moved to (a removal decision, §§ 38–39).
    excluded: tuple[int, ...] = ()


def new_key() -> str:
    """A fresh secret key for one reduction's pseudonyms (hex)."""
    return secrets.token_hex(32)


def pseudonym(key: str, seed: int, unit: Sequence[int]) -> str:
    """The household's pseudonym in one reduction (step 1 of the method)."""
    digest = hmac.new(bytes.fromhex(key), f"{seed}:{unit[0]}".encode(), hashlib.sha256).hexdigest()
    return f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"


def order_key(seed: int, name: str) -> str:
    """Where a household comes in the draw (step 2): smaller comes first."""
    return hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()


def draw(
    households: Sequence[Household], plan: Sequence[tuple[int, int]], seed: int
) -> list[tuple[str, int]]:
    """The drawn households as ``(pseudonym, receiving list)`` in draw order (step 3)."""
    order = sorted(households, key=lambda h: (order_key(seed, h.pseudonym), h.pseudonym))
    room = {target: places for target, places in plan}
    out: list[tuple[str, int]] = []
    for household in order:
        if not any(room.values()):
            break
        for target, _places in plan:
            if room[target] >= household.size and target not in household.excluded:
                room[target] -= household.size
                out.append((household.pseudonym, target))
                break
    return out
