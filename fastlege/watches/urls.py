from django.urls import path

from fastlege.watches import views

app_name = "watches"

urlpatterns = [
    path("innbygger/person/<id:person_id>/folg-med/", views.watches_page, name="watches"),
    path("innbygger/person/<id:person_id>/folg-med/liste/", views.watch_list, name="watch_list"),
    path("innbygger/person/<id:person_id>/folg-med/sok/", views.watch_search, name="watch_search"),
    path(
        "innbygger/person/<id:person_id>/folg-med/<id:watch_id>/avslutt/",
        views.stop,
        name="stop",
    ),
]
