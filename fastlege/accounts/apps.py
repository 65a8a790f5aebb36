from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fastlege.accounts"
    label = "accounts"
    verbose_name = _("Brukere og roller")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_migrate, post_save, pre_save

        from fastlege.accounts import signals

        user_login_failed.connect(signals.on_login_failed, dispatch_uid="fastlege-login-failed")
        user_logged_in.connect(signals.on_logged_in, dispatch_uid="fastlege-logged-in")
        pre_save.connect(
            signals.guard_username, sender=settings.AUTH_USER_MODEL, dispatch_uid="fl-uname"
        )
        post_save.connect(
            signals.store_username_key, sender=settings.AUTH_USER_MODEL, dispatch_uid="fl-ukey"
        )
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="fl-cachetable")


def create_cache_tables(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``migrate`` also creates the database cache's table (the log-in limit lives
    there): every path that migrates — setup, tests, CI, deployment — gets it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
