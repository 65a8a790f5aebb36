"""URLs under /tiltak/."""

from django.urls import path

from fastlege.measures import views

app_name = "measures"

urlpatterns = [
    path("", views.index, name="index"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/<id:type_id>/behandle/", views.type_decide, name="type_decide"),
    path("fylke/<str:number>/", views.county, name="county"),
    path("kommune/<str:number>/", views.municipality, name="municipality"),
    path("kommune/<str:number>/nytt/", views.measure_new, name="measure_new"),
    path("kommune/<str:number>/kravliste/", views.demands_new, name="demands_new"),
    path("tiltak/<id:measure_id>/", views.measure_detail, name="measure"),
    path("tiltak/<id:measure_id>/endre/", views.measure_edit, name="measure_edit"),
    path("krav/<id:demand_id>/svar/", views.demand_answer, name="demand_answer"),
]
