from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def num(value: Any) -> str:
    """Norwegian number format: space as thousands separator, comma for decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")
    return str(value)


@register.filter
def signed(value: Any) -> str:
    if value is None:
        return ""
    text = num(abs(value) if not isinstance(value, bool) else value)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text
