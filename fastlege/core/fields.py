"""Model fields used the same way in every app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def user_field(verbose_name: Any, *, on_delete: Any = models.SET_NULL) -> models.ForeignKey:
    """The user who did something (registered, decided, wrote …): optional (a row
    made by a command or a migration has none), and with no reverse accessor on the
    user. ``on_delete``: ``SET_NULL`` where the row outlives the user account,
    ``PROTECT`` where the registry must keep who decided."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name="+",
    )
