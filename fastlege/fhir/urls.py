from django.urls import path, re_path

from fastlege.fhir import views

app_name = "fhir"

urlpatterns = [
    path("", views.unknown, name="base"),
    path("metadata", views.metadata, name="metadata"),
    re_path(r"^(?P<resource_type>[A-Za-z]+)/?$", views.search_type, name="search"),
    re_path(r"^(?P<resource_type>[A-Za-z]+)/(?P<id>[^/]+)/?$", views.read, name="read"),
    # Anything else under /fhir/ is an OperationOutcome 404, never the HTML page.
    re_path(r"^.*$", views.unknown, name="unknown"),
]
