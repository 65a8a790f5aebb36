"""The monthly update's operations: ``run_month`` (the engine) and ``check_consistency``."""

from fastlege.monthly.services import invariants
from fastlege.monthly.services.consistency import check_consistency
from fastlege.monthly.services.engine import RunResult, parse_month, run_month
from fastlege.monthly.services.errors import Code, MonthlyError

__all__ = [
    "Code",
    "MonthlyError",
    "RunResult",
    "check_consistency",
    "invariants",
    "parse_month",
    "run_month",
]
