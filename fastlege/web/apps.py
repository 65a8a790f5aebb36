from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "fastlege.web"
    verbose_name = _("nettsider")
