from django.contrib import admin
from django.urls import include, path

from fastlege.core import views

admin.site.site_header = "fastlege – administrasjon"
admin.site.site_title = "fastlege"
admin.site.index_title = "Fastlegeordningen"

urlpatterns = [
    path("", views.home, name="home"),
    path("helse/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("fastlege.web.urls")),
    path("dialog/", include("fastlege.dialogue.urls")),
    path("statistikk/", include("fastlege.stats.urls")),
    path("tiltak/", include("fastlege.measures.urls")),
    path("arbeidskraft/", include("fastlege.workforce.urls")),
]
