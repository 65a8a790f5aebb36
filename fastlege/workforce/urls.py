"""URLs under /arbeidskraft/."""

from django.urls import path

from fastlege.workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.index, name="index"),
    path("framskriving/", views.nation, name="nation"),
    path("framskriving/fylke/<str:number>/", views.county, name="county"),
    path("framskriving/kommune/<str:number>/", views.municipality, name="municipality"),
    path("scenarioer/", views.scenarios, name="scenarios"),
    path("scenarioer/nytt/", views.scenario_new, name="scenario_new"),
    path("scenarioer/<int:scenario_id>/", views.scenario_detail, name="scenario"),
    path("scenarioer/<int:scenario_id>/kopier/", views.scenario_copy, name="scenario_copy"),
    path("scenarioer/<int:scenario_id>/endre/", views.scenario_edit, name="scenario_edit"),
]

# --- ALIS (views_alis) ------------------------------------------------------------
from fastlege.workforce import views_alis  # noqa: E402

urlpatterns += [
    path("alis/kommune/<str:number>/", views_alis.alis_municipality, name="alis"),
    path("alis/kommune/<str:number>/ny/", views_alis.alis_create, name="alis_create"),
    path(
        "alis/kommune/<str:number>/<int:agreement_id>/endre/",
        views_alis.alis_edit,
        name="alis_edit",
    ),
    path(
        "alis/kommune/<str:number>/<int:agreement_id>/fullfort/",
        views_alis.alis_complete,
        name="alis_complete",
    ),
    path("alis/fylke/<str:number>/", views_alis.alis_county, name="alis_county"),
]
