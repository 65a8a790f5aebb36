"""The one number format of the pages: Norwegian, as published (docs/maps.md).

A non-breaking space between thousands, a decimal comma and the minus sign
(«231 879», «12,4», «−41,6»),
rounded half up by :mod:`fastlege.stats.rounding`. Templates use it as the filters
``|num`` and ``|signed`` (``stats_tags``); Python code that writes a figure into text
calls it directly. Django's ``USE_THOUSAND_SEPARATOR`` is not used: it would also group
every integer a template prints (identifiers, HPR numbers, years, links).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastlege.core.tabular import decimal_comma
from fastlege.stats.rounding import half_up


def num(value: Any, decimals: int | None = None) -> str:
    """Norwegian number format: space as thousands separator, comma for decimals.

    A figure is shown as it was rounded (:mod:`fastlege.stats.rounding`, half up):
    with ``decimals`` (the indicator's) to exactly that many decimals, rounded half
    up; without, a float shows the decimals it holds (a figure from
    ``selectors.display`` holds its rounded decimals exactly), never rounded again.
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (int, float, Decimal)):
        shown = half_up(value, int(decimals)) if decimals is not None else value
        if shown is None:
            return "–"
        text = decimal_comma(shown, group="\u00a0")  # a float by its shortest text
        return "\u2212" + text[1:] if text.startswith("-") else text
    return str(value)


def signed(value: Any, decimals: int | None = None) -> str:
    if value is None:
        return ""
    text = num(abs(value) if not isinstance(value, bool) else value, decimals)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text
