from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo and test data: the seeded registry, its continuation to last month,
    the demo users, measures and meetings. At the top of the house: it may use every
    other app, and no other app imports it (``tests/test_layering.py``)."""

    name = "fastlege.demo"
    label = "demo"
    verbose_name = _("Demodata")
