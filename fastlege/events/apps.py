from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fastlege.events"
    label = "events"
    verbose_name = _("hendelser og webhooks")

    def ready(self) -> None:
        # Importing it registers the outbox's triggers with fastlege.core.readmodels
        # (so a bulk load pauses them: the seed publishes no events).
        from fastlege.events import sql  # noqa: F401

        post_migrate.connect(_ensure_event_triggers, sender=self)


def _ensure_event_triggers(using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate``: the outbox's triggers exist (SQLite drops a table's
    triggers when a later migration rebuilds the table)."""
    from django.db import connections

    from fastlege.events import sql

    sql.TRIGGERS.ensure(connections[using])
