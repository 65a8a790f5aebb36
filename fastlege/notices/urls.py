from django.urls import path

from fastlege.notices import views

app_name = "notices"

urlpatterns = [
    path("varsler/", views.preferences, name="preferences"),
    path("varsler/avmeld/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
