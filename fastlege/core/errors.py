"""Domain errors: a stable code for the API and a Norwegian message for people."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.functional import Promise


class DomainError(ValidationError):
    """A refused operation. ``code`` is stable; the message is in Norwegian."""

    def __init__(self, message: str, code: str, params: dict | None = None) -> None:
        super().__init__(message, code=code, params=params)


class CodedError(DomainError):
    """A refusal from an app's table of codes: ``MESSAGES`` maps each code to its
    Norwegian message (translatable) and its English text for the API; ``params`` fill
    both. Subclasses set ``MESSAGES``; messages never contain personal data."""

    MESSAGES: ClassVar[dict[Any, tuple[Promise, str]]] = {}

    def __init__(self, code: StrEnum, params: dict[str, Any] | None = None) -> None:
        norwegian, english = self.MESSAGES[code]
        message = str(norwegian) % params if params else str(norwegian)
        super().__init__(message, code=code.value)
        self.english = english % params if params else english
