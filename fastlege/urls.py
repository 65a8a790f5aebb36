from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.views.generic.base import RedirectView

from fastlege.core import metrics, views
from fastlege.core.converters import IdConverter

# Before the apps' URL modules are imported by include(): they use <id:...>.
register_converter(IdConverter, "id")

admin.site.site_header = "fastlege – administrasjon"
admin.site.site_title = "fastlege"
admin.site.index_title = "Fastlegeordningen"

urlpatterns = [
    path("", views.home, name="home"),
    path("helse/", views.health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=static("core/favicon.svg"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("metrikker/", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("fastlege.api.urls")),
    path("fhir/", include("fastlege.fhir.urls")),
    path("konto/", include("fastlege.accounts.urls")),
    path("", include("fastlege.web.urls")),
    path("", include("fastlege.watches.urls")),
    path("", include("fastlege.notices.urls")),
    path("dialog/", include("fastlege.dialogue.urls")),
    path("statistikk/", include("fastlege.stats.urls")),
    path("tiltak/", include("fastlege.measures.urls")),
    path("arbeidskraft/", include("fastlege.workforce.urls")),
]
