"""URLs under /arbeidskraft/."""

from django.urls import path

from fastlege.workforce import views, views_pool

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
    # The regional substitute pool (vikarordning)
    path("vikarpool/", views_pool.pool_index, name="pool"),
    path("vikarpool/fylke/<str:number>/", views_pool.pool_county, name="pool_county"),
    path(
        "vikarpool/fylke/<str:number>/vikar/",
        views_pool.pool_substitute_new,
        name="pool_substitute_new",
    ),
    path(
        "vikarpool/vikar/<int:substitute_id>/tilgjengelig/",
        views_pool.pool_availability_new,
        name="pool_availability_new",
    ),
    path("vikarpool/kommune/<str:number>/", views_pool.pool_municipality, name="pool_municipality"),
    path(
        "vikarpool/kommune/<str:number>/foresporsel/",
        views_pool.pool_request_new,
        name="pool_request_new",
    ),
    path(
        "vikarpool/foresporsel/<int:request_id>/book/",
        views_pool.pool_accept,
        name="pool_accept",
    ),
]
