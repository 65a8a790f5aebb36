from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from fastlege.stats.rounding import half_up
from fastlege.stats.units import unit_label

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
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
        if decimals is not None:
            shown = half_up(value, int(decimals))
        elif isinstance(value, float):
            shown = Decimal(repr(value))
        else:
            shown = Decimal(value)
        return f"{shown:,f}".replace(",", "\u00a0").replace(".", ",")
    return str(value)


@register.filter
def unit(indicator: Any) -> str:
    """What the indicator's figures are measured in («personer», «%»): ``units.unit_label``."""
    return unit_label(indicator)


@register.filter
def signed(value: Any, decimals: int | None = None) -> str:
    if value is None:
        return ""
    text = num(abs(value) if not isinstance(value, bool) else value, decimals)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text
