from __future__ import annotations

from typing import Any

from django import template

from fastlege.stats.numbers import num, signed
from fastlege.stats.units import change_unit_label, unit_label

register = template.Library()

#: The one Norwegian number format (``stats.numbers``), as template filters.
register.filter("num", num)
register.filter("signed", signed)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def unit(indicator: Any) -> str:
    """What the indicator's figures are measured in («personer», «%»): ``units.unit_label``."""
    return unit_label(indicator)


@register.filter
def change_unit(indicator: Any) -> str:
    """The unit of a change in the indicator («prosentpoeng» for a share)."""
    return change_unit_label(indicator)


@register.filter
def public_count(value: Any) -> str:
    """A count of people as published: «<5» when it is between 1 and the suppression
    threshold − 1 (``indicators.SUPPRESSION_THRESHOLD``, as the statistics show it)."""
    from fastlege.stats.indicators import SUPPRESSION_THRESHOLD

    if isinstance(value, int) and 0 < value < SUPPRESSION_THRESHOLD:
        return f"<{SUPPRESSION_THRESHOLD}"
    return num(value)
