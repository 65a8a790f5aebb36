"""The preset scenarios (read only; users copy them). Idempotent: ``sync_presets``
creates a missing preset and resets a changed one to these figures."""

from __future__ import annotations

from typing import Any

from fastlege.workforce.parameters import value

#: The scenario figures, in the order the forms and docs show them.
PARAMETER_FIELDS: tuple[str, ...] = (
    "target_list_length",
    "listing_rate",
    "population_variant",
    "attrition_under_40",
    "attrition_40_54",
    "attrition_55_64",
    "attrition_65_plus",
    "share_extended",
    "extension_years",
    "recruitment_rate",
    "alis_completions_per_100",
    "fte_per_gp",
)


def default_figures() -> dict[str, Any]:
    """«Som i dag»: every figure at its default (``parameters.FIGURES``); recruitment
    measured from the registry (``None``)."""
    out: dict[str, Any] = {
        f: value(f) for f in PARAMETER_FIELDS if f not in ("population_variant", "recruitment_rate")
    }
    out["population_variant"] = "trend"
    out["recruitment_rate"] = None
    return out


def presets() -> list[dict[str, Any]]:
    base = default_figures()
    return [
        {
            **base,
            "preset": "som_i_dag",
            "name": "Som i dag",
            "description": (
                "Dagens listelengde og rekruttering, befolkningen etter trenden 2020–2026."
            ),
        },
        {
            **base,
            "preset": "mindre_lister",
            "name": "Mindre lister",
            "description": "Målet for listelengde senkes, slik fastlegene krever.",
            "target_list_length": value("smaller_lists_target"),
        },
        {
            **base,
            "preset": "hoy_befolkningsvekst",
            "name": "Høy befolkningsvekst",
            "description": "Befolkningen vokser raskere enn trenden 2020–2026.",
            "population_variant": "hoy",
        },
        {
            **base,
            "preset": "lav_befolkningsvekst",
            "name": "Lav befolkningsvekst",
            "description": "Befolkningen vokser saktere enn trenden 2020–2026.",
            "population_variant": "lav",
        },
        {
            **base,
            "preset": "flere_alis",
            "name": "Flere ALIS",
            "description": "Flere leger fullfører spesialiseringen (ALIS) og blir fastleger.",
            "alis_completions_per_100": value("more_alis_completions_per_100"),
        },
    ]


def sync_presets(model: Any) -> int:
    """Create or reset the presets in ``model`` (the Scenario model, real or historical).
    Returns how many rows were created or changed."""
    changed = 0
    for figures in presets():
        obj = model.objects.filter(preset=figures["preset"]).first()
        if obj is None:
            model.objects.create(**figures)
            changed += 1
            continue
        diff = [k for k, v in figures.items() if getattr(obj, k) != v]
        if diff:
            for k in diff:
                setattr(obj, k, figures[k])
            obj.save()
            changed += 1
    return changed
