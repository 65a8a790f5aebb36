"""The workforce pages: the projection and its scenarios (``projection``), the vacancy
early warning (``early_warning``) and, beside them, recruitment, ALIS and the
substitute pool."""

from fastlege.workforce.views.projection import (
    county,
    index,
    municipality,
    nation,
    scenario_copy,
    scenario_detail,
    scenario_edit,
    scenario_new,
    scenarios,
)

__all__ = [
    "county",
    "index",
    "municipality",
    "nation",
    "scenario_copy",
    "scenario_detail",
    "scenario_edit",
    "scenario_new",
    "scenarios",
]
