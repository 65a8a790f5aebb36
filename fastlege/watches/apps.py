from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchesConfig(AppConfig):
    name = "fastlege.watches"
    label = "watches"
    verbose_name = _("si fra når det blir plass")
    default_auto_field = "django.db.models.BigAutoField"
