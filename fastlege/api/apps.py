from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fastlege.api"
    label = "api"
    verbose_name = _("API for andre systemer")

    def ready(self) -> None:
        from fastlege.api import schema  # noqa: F401  (registers the auth scheme)
