from __future__ import annotations

from fastlege.core.errors import DomainError


class StatsError(DomainError):
    def __init__(self, message: object, code: str = "stats") -> None:
        super().__init__(str(message), code=code)
