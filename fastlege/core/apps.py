from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fastlege.core"
    label = "core"
    verbose_name = _("Felles")

    def ready(self) -> None:
        from fastlege.core import checks  # noqa: F401 - registers the production checks
        from fastlege.core.admin_tools import use_norwegian_boolean_icons

        use_norwegian_boolean_icons()
