from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from fastlege.api.views import lookups, public, resources, writes
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
    path(
        "agreements/<id:pk>/ceiling-changes/",
        writes.CeilingChanges.as_view(),
        name="ceiling-changes",
    ),
    path(
        "ceiling-changes/<id:pk>/approve/", writes.CeilingApprove.as_view(), name="ceiling-approve"
    ),
    path("ceiling-changes/<id:pk>/refuse/", writes.CeilingRefuse.as_view(), name="ceiling-refuse"),
    path(
        "ceiling-changes/<id:pk>/withdraw/",
        writes.CeilingWithdraw.as_view(),
        name="ceiling-withdraw",
    ),
    path("agreements/<id:pk>/status/", writes.ListOpen.as_view(), name="agreement-status"),
    path("agreements/<id:pk>/placements/", writes.Placements.as_view(), name="placements"),
    path("agreements/<id:pk>/moves/", writes.Moves.as_view(), name="moves"),
    path("agreements/<id:pk>/reductions/", writes.Reductions.as_view(), name="reductions"),
    path("reductions/<id:pk>/cancel/", writes.ReductionCancel.as_view(), name="reduction-cancel"),
    path("agreements/<id:pk>/end/", writes.EndAgreement.as_view(), name="agreement-end"),
    path("indicators/", resources.IndicatorList.as_view(), name="indicators"),
    path("indicators/series/", resources.IndicatorSeries.as_view(), name="indicator-series"),
    path("measures/", resources.MeasureList.as_view(), name="measures"),
    path("measures/<id:pk>/", resources.MeasureDetail.as_view(), name="measure"),
    path("meetings/", resources.MeetingList.as_view(), name="meetings"),
    path("meetings/<id:pk>/", resources.MeetingDetail.as_view(), name="meeting"),
    path("consultations/", resources.ConsultationList.as_view(), name="consultations"),
    path("lookup/gp/", lookups.GpLookup.as_view(), name="lookup-gp"),
    path("lookup/history/", lookups.GpHistory.as_view(), name="lookup-history"),
    path("lookup/confirm-gp/", lookups.ConfirmGp.as_view(), name="lookup-confirm"),
    path("events/", EventFeed.as_view(), name="events"),
    # Anything else under /api/v1/ is a problem+json 404, never the HTML page.
    re_path(r"^.*$", public.not_found, name="not-found"),
]
