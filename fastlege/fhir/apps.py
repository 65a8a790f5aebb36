from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FhirConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fastlege.fhir"
    label = "fhir"
    verbose_name = _("FHIR for andre systemer")
