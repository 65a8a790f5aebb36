"""Length limits of free text, one definition for every form and service.

Why this exists: a model ``TextField`` has no length the database enforces, and
a form ``CharField`` without ``max_length`` takes whatever arrives. An anonymous
11 MiB consultation input was stored and then made the organiser's PDF export
fail with a 500 (issue 18, finding 11). Every free-text form field now declares
one of these limits (``fastlege/core/tests/test_input_limits.py`` walks every
form class in the project and fails on a ``CharField`` without one), the
services behind anonymous forms check them again (``check_length``), and the
request body is capped by ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (settings.py).

The values are the project's choices (no regulation sets them); docs/settings.md
lists them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError

#: A name, a title, an organisation, a reference: one line.
SHORT_TEXT = 200
#: A note, a comment, a reason, a decision: a few paragraphs.
TEXT = 5_000
#: A consultation input, a description, minutes, a programme: about eight pages.
LONG_TEXT = 20_000
#: Exports (PDF, Word) show at most this many characters of one text; longer
#: texts stored before the limits existed are cut there with a note.
EXPORT_TEXT = LONG_TEXT


class Code(StrEnum):
    TEXT_TOO_LONG = "text_too_long"


class InputError(CodedError):
    MESSAGES: ClassVar[dict[Any, tuple[Any, str]]] = {
        Code.TEXT_TOO_LONG: (
            _("«%(field)s» kan ha høyst %(limit)s tegn (du skrev %(length)s)."),
            "'%(field)s' can have at most %(limit)s characters (got %(length)s).",
        ),
    }


def check_length(field: str, value: str | None, limit: int) -> None:
    """Refuse ``value`` longer than ``limit`` characters; ``field`` is its Norwegian label."""
    if value is not None and len(value) > limit:
        raise InputError(Code.TEXT_TOO_LONG, {"field": field, "limit": limit, "length": len(value)})


def cut_for_export(text: str, limit: int = EXPORT_TEXT) -> str:
    """``text`` as an export shows it: at most ``limit`` characters, a cut said plainly."""
    if len(text) <= limit:
        return text
    return text[:limit] + f" […] (forkortet: teksten har {len(text)} tegn, vist {limit})"
