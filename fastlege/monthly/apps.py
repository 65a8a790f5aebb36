from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyConfig(AppConfig):
    name = "fastlege.monthly"
    label = "monthly"
    verbose_name = _("månedlig listeoppdatering")
    default_auto_field = "django.db.models.BigAutoField"
