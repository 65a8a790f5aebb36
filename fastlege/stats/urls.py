from django.urls import path

from fastlege.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.national, name="national"),
    path("fylke/<str:number>/", views.county, name="county"),
    path("kommune/<str:number>/", views.municipality, name="municipality"),
    path("gruppe/<str:kind>/<str:code>/", views.group, name="group"),
    path("kart/", views.map_view, name="map"),
    path("eksport/", views.export_all, name="export"),
    path("definisjoner/", views.definitions_view, name="definitions"),
    path("apne-data/", views.open_data, name="open_data"),
    path("apne-data/<str:month>/<str:name>", views.open_data_file, name="open_data_file"),
]
