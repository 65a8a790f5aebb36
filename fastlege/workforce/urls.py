"""URLs under /arbeidskraft/."""

from django.urls import path

from fastlege.workforce import views
from fastlege.workforce.views import alis, early_warning, pool, recruitment

app_name = "workforce"

urlpatterns = [
    path("", views.index, name="index"),
    path("framskriving/", views.nation, name="nation"),
    path("framskriving/fylke/<str:number>/", views.county, name="county"),
    path("framskriving/kommune/<str:number>/", views.municipality, name="municipality"),
    path("scenarioer/", views.scenarios, name="scenarios"),
    path("scenarioer/nytt/", views.scenario_new, name="scenario_new"),
    path("scenarioer/<id:scenario_id>/", views.scenario_detail, name="scenario"),
    path("scenarioer/<id:scenario_id>/kopier/", views.scenario_copy, name="scenario_copy"),
    path("scenarioer/<id:scenario_id>/endre/", views.scenario_edit, name="scenario_edit"),
    # The vacancy early warning (issue 17, item 2)
    path(
        "varsel/kommune/<str:number>/",
        early_warning.municipality,
        name="early_warning_municipality",
    ),
    path("varsel/fylke/<str:number>/", early_warning.county, name="early_warning_county"),
    # Recruitment of lists without a regular GP (item 3)
    path(
        "rekruttering/kommune/<str:number>/",
        recruitment.municipality_cases,
        name="recruitment_municipality",
    ),
    path(
        "rekruttering/fylke/<str:number>/",
        recruitment.county_cases,
        name="recruitment_county",
    ),
    path("rekruttering/sak/<id:case_id>/", recruitment.case_detail, name="recruitment_case"),
    # The regional substitute pool, vikarordning (item 5)
    path("vikarpool/", pool.pool_index, name="pool"),
    path("vikarpool/fylke/<str:number>/", pool.pool_county, name="pool_county"),
    path(
        "vikarpool/fylke/<str:number>/vikar/",
        pool.pool_substitute_new,
        name="pool_substitute_new",
    ),
    path(
        "vikarpool/vikar/<id:substitute_id>/tilgjengelig/",
        pool.pool_availability_new,
        name="pool_availability_new",
    ),
    path("vikarpool/kommune/<str:number>/", pool.pool_municipality, name="pool_municipality"),
    path(
        "vikarpool/kommune/<str:number>/foresporsel/",
        pool.pool_request_new,
        name="pool_request_new",
    ),
    path("vikarpool/foresporsel/<id:request_id>/book/", pool.pool_accept, name="pool_accept"),
    # ALIS agreements (item 4)
    path("alis/kommune/<str:number>/", alis.alis_municipality, name="alis"),
    path("alis/kommune/<str:number>/ny/", alis.alis_create, name="alis_create"),
    path(
        "alis/kommune/<str:number>/<id:agreement_id>/endre/",
        alis.alis_edit,
        name="alis_edit",
    ),
    path(
        "alis/kommune/<str:number>/<id:agreement_id>/fullfort/",
        alis.alis_complete,
        name="alis_complete",
    ),
    path("alis/fylke/<str:number>/", alis.alis_county, name="alis_county"),
    path("alis/", alis.alis_national, name="alis_national"),
]
