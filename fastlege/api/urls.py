from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from fastlege.api.views import lookups, public
from fastlege.events.api import EventFeed

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("counties/", public.CountyList.as_view(), name="counties"),
    path("counties/<str:number>/", public.CountyDetail.as_view(), name="county"),
    path("municipalities/", public.MunicipalityList.as_view(), name="municipalities"),
    path("municipalities/<str:number>/", public.MunicipalityDetail.as_view(), name="municipality"),
    path("practices/", public.PracticeList.as_view(), name="practices"),
    path("practices/<id:pk>/", public.PracticeDetail.as_view(), name="practice"),
    path("gps/", public.DoctorList.as_view(), name="gps"),
    path("gps/<str:hpr>/", public.DoctorDetail.as_view(), name="gp"),
    path("agreements/", public.AgreementList.as_view(), name="agreements"),
    path("agreements/<id:pk>/", public.AgreementDetail.as_view(), name="agreement"),
    path(
        "agreements/<id:pk>/members/", lookups.AgreementMembers.as_view(), name="agreement-members"
    ),
    path("lookup/gp/", lookups.GpLookup.as_view(), name="lookup-gp"),
    path("lookup/history/", lookups.GpHistory.as_view(), name="lookup-history"),
    path("lookup/confirm-gp/", lookups.ConfirmGp.as_view(), name="lookup-confirm"),
    path("events/", EventFeed.as_view(), name="events"),
    # Anything else under /api/v1/ is a problem+json 404, never the HTML page.
    re_path(r"^.*$", public.not_found, name="not-found"),
]
