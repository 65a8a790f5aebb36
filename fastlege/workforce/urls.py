"""URLs under /arbeidskraft/."""

from django.urls import path

from fastlege.workforce.views import early_warning

app_name = "workforce"

urlpatterns = [
    path(
        "varsel/kommune/<str:number>/",
        early_warning.municipality,
        name="early_warning_municipality",
    ),
    path("varsel/fylke/<str:number>/", early_warning.county, name="early_warning_county"),
]
