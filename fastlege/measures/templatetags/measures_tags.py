from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def amount(value: Any) -> str:
    """A value in Norwegian format: space between thousands, comma for decimals."""
    if value is None or value == "":
        return "–"
    d = Decimal(value)
    text = f"{d:,.0f}" if d == d.to_integral_value() else f"{d:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def value_of(measure: Any) -> str:
    """«300 000 kroner, engangsbeløp per lege»: a measure's value with unit and basis
    (a filter, not an include: the county table calls it for every cell)."""
    from django.utils.translation import gettext

    unit = measure.get_unit_display()
    if measure.value is None:
        return str(unit)
    text = f"{amount(measure.value)} {unit}"
    if measure.value_basis == "per_lege":
        text += " " + gettext("per lege")
    return text
