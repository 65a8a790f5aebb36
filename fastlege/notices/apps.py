from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "fastlege.notices"
    label = "notices"
    verbose_name = _("varsler på e-post")
    default_auto_field = "django.db.models.BigAutoField"
