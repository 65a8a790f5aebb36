from django.urls import path

from fastlege.accounts import views

app_name = "accounts"

urlpatterns = [
    path("engangskode/", views.second_factor, name="second_factor"),
    path("engangskode/oppsett/", views.enrol, name="second_factor_enrol"),
    path("reservekoder/", views.recovery_codes, name="recovery_codes"),
]
