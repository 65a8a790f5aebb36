from fastlege.stats.services.fill import (
    FillResult,
    fill_month,
    fill_month_from_registry,
    stats_fill,
)

__all__ = ["FillResult", "fill_month", "fill_month_from_registry", "stats_fill"]
