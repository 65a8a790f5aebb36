"""The one rounding rule for every published figure: half up, as SSB publishes KOSTRA.

Every figure shown on a page, written to an export (CSV, Excel, JSON) or compared
with KOSTRA is rounded here and nowhere else (docs/indicators.md, «Avrunding»).

* **Half up**: a figure exactly halfway between two published values goes to the
  larger absolute value (882.5 → 883, 2.5 → 3, 0.25 → 0.3 with one decimal;
  −2.5 → −3). SSB publishes KOSTRA so: Selbu's mean list length 3 530 / 4 = 882.5
  is published as 883, Frosta's 2 890 / 4 = 722.5 as 723. Python's ``round``
  rounds halves to the even neighbour (882.5 → 882) and must not be used for a
  published figure. Negative halves (only «ledige plasser» can be negative, and
  it is a whole count) go away from zero, as Decimal's ``ROUND_HALF_UP``;
  SSB's rule for negative halves was not found (unverified, no KOSTRA figure is
  a negative half).
* **On decimals, not binary floats**: the indicators are ratios computed in
  floating point, so a figure that is a half in exact arithmetic can come out a
  hair below it (e.g. 26.249999999999996). The value is first rounded to
  ``NOISE_DECIMALS`` decimals — far below anything published, and far above the
  float's error: a ratio of counts below ten million that is not a half differs
  from one by more than 10⁻⁸ — then rounded half up to the published decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

#: Float noise is removed at this many decimals before rounding half up.
NOISE_DECIMALS = 10

_NOISE = Decimal(1).scaleb(-NOISE_DECIMALS)


def half_up(value: float | int | Decimal | None, decimals: int = 0) -> Decimal | None:
    """``value`` rounded half up to ``decimals`` decimals, as a Decimal (None stays None)."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not isinstance(value, int):
        exact = exact.quantize(_NOISE, rounding=ROUND_HALF_EVEN)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def published(value: float | int | Decimal | None, decimals: int = 0) -> int | float | None:
    """The figure as published: rounded half up, an ``int`` for 0 decimals, else a
    ``float`` holding exactly the rounded decimal (its shortest text is that decimal)."""
    rounded = half_up(value, decimals)
    if rounded is None:
        return None
    return int(rounded) if decimals <= 0 else float(rounded)
