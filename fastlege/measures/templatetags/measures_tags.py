from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from fastlege.stats.numbers import num

register = template.Library()


@register.filter
def amount(value: Any) -> str:
    """A sum of money in Norwegian format (``stats_tags.num``): whole kroner without
    decimals, otherwise two decimals (øre), rounded half up."""
    if value is None or value == "":
        return "–"
    d = Decimal(value)
    return num(d, 0 if d == d.to_integral_value() else 2)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def value_of(measure: Any) -> str:
    """«300 000 kroner, engangsbeløp per lege»: a measure's value with unit and basis
    (a filter, not an include: the county table calls it for every cell)."""
    return _value_text(measure, str(measure.get_unit_display()), gettext("per lege"))


def _value_text(measure: Any, unit: str, per_gp: str) -> str:
    if measure.value is None:
        return unit
    text = f"{amount(measure.value)} {unit}"
    if measure.value_basis == "per_lege":
        text += " " + per_gp
    return text


_PK = 987_654_321  # stands for a measure's number in the reversed address


@register.simple_tag
def measure_cells(cells: list[list[Any]]) -> SafeString:
    """The county table's cells for one municipality: per measure type, each measure's
    value linked to the measure, with its status. Written out in Python (escaped):
    through the template, the ~350 cells of a county with 6 measures per municipality
    took about 100 ms of the page (a URL, two translated labels and a filter each)."""
    url = reverse("measures:measure", args=[_PK])
    per_gp = gettext("per lege")
    labels: dict[tuple[str, Any], str] = {}

    def label(measure: Any, field: str) -> str:
        key = (field, getattr(measure, field))
        if key not in labels:
            labels[key] = str(getattr(measure, f"get_{field}_display")())
        return labels[key]

    out = []
    for cell in cells:
        items = (
            f'<a href="{escape(url.replace(str(_PK), str(m.pk)))}">'
            f"{escape(_value_text(m, label(m, 'unit'), per_gp))}</a> "
            f'<span class="help">({escape(label(m, "status"))})</span>'
            for m in cell
        )
        out.append("<td>" + "<br>".join(items) + "</td>")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)
