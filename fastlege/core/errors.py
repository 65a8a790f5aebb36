"""Domain errors: a stable code for the API and a Norwegian message for people."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A refused operation. ``code`` is stable; the message is in Norwegian."""

    def __init__(self, message: str, code: str, params: dict | None = None) -> None:
        super().__init__(message, code=code, params=params)
