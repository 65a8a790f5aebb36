from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
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

        pre_migrate.connect(_drop_event_triggers_on_sqlite, sender=self)
        post_migrate.connect(_ensure_event_triggers, sender=self)


def _drop_event_triggers_on_sqlite(using: str = "default", **kwargs: Any) -> None:
    """Before a ``migrate`` on SQLite: no outbox triggers, so a migration may rebuild a
    table they read (SQLite rebuilds a table to add a column, and a trigger naming the
    table being renamed stops it). ``_ensure_event_triggers`` puts them back at the end.
    Only SQLite (development and the demo): on PostgreSQL the triggers stay, so no
    change made while a deployment migrates goes without its event."""
    from django.db import connections

    from fastlege.events import sql

    connection = connections[using]
    if connection.vendor == "sqlite" and "events_event" in connection.introspection.table_names():
        sql.TRIGGERS.drop(connection)


def _ensure_event_triggers(using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate``: the outbox's triggers exist (SQLite drops a table's
    triggers when a later migration rebuilds the table)."""
    from django.db import connections

    from fastlege.events import sql

    sql.TRIGGERS.ensure(connections[using])
