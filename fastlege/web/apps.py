from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "fastlege.web"
    verbose_name = _("nettsider")

    def ready(self) -> None:
        # Importing them registers the read models' triggers with fastlege.core.readmodels
        # (so a bulk load can pause them).
        from fastlege.web import listlength_sql, unassigned_sql  # noqa: F401

        post_migrate.connect(_ensure_list_length_triggers, sender=self)


def _ensure_list_length_triggers(using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate``: the list-length and unassigned-count triggers exist
    (SQLite drops a table's triggers when a later migration rebuilds the table); if
    they were missing, they are created and the lengths and counts recounted."""
    from django.db import connections

    from fastlege.web import listlength_sql, unassigned_sql

    listlength_sql.TRIGGERS.ensure(connections[using])
    unassigned_sql.TRIGGERS.ensure(connections[using])
