from django.urls import path

from fastlege.web.views import (
    about,
    area,
    auth,
    citizen,
    draw,
    gp,
    gp_list,
    municipality,
    public,
    registry_import,
    wind_down,
)

app_name = "web"

urlpatterns = [
    path("logg-inn/", auth.LoginView.as_view(), name="login"),
    path("logg-ut/", auth.LogoutView.as_view(), name="logout"),
    path("start/", auth.start, name="start"),
    path("ingen-rolle/", auth.no_role, name="no_role"),
    path("finn-fastlege/", citizen.find_gp, name="find_gp"),
    path("om-tjenesten/", about.about, name="about"),
    path("trekning/<id:reduction_id>/", draw.draw_page, name="draw"),
    path("trekning/<id:reduction_id>/trekning.json", draw.draw_json, name="draw_json"),
    path("finn-fastlege/liste/<id:agreement_id>/", public.gp_page, name="gp_page"),
    path("finn-fastlege/legekontor/<id:practice_id>/", public.practice_page, name="practice_page"),
    path(
        "finn-fastlege/legekontor/<id:practice_id>/endre/",
        public.practice_edit,
        name="practice_edit",
    ),
    path("ventetid/", citizen.waiting_time_method, name="waiting_time_method"),
    # citizen
    path("innbygger/", citizen.citizen_home, name="citizen_home"),
    path("innbygger/person/<id:person_id>/", citizen.person_page, name="person"),
    path("innbygger/person/<id:person_id>/historikk/", citizen.history, name="history"),
    path("innbygger/person/<id:person_id>/finn/", citizen.find_for_person, name="find_for"),
    path("innbygger/person/<id:person_id>/bytt/", citizen.switch, name="switch"),
    path(
        "innbygger/person/<id:person_id>/bytte/<id:switch_id>/kanseller/",
        citizen.cancel,
        name="cancel_switch",
    ),
    path("innbygger/person/<id:person_id>/venteliste/", citizen.join_waiting, name="join_waiting"),
    path(
        "innbygger/person/<id:person_id>/venteliste/forlat/",
        citizen.leave_waiting,
        name="leave_waiting",
    ),
    path("innbygger/person/<id:person_id>/meldinger/", citizen.notifications, name="notifications"),
    path(
        "innbygger/person/<id:person_id>/kvittering/<id:notification_id>/",
        citizen.receipt,
        name="receipt",
    ),
    path(
        "innbygger/person/<id:person_id>/meldinger/<id:notification_id>/lest/",
        citizen.notification_read,
        name="notification_read",
    ),
    path("innbygger/person/<id:person_id>/reservasjon/", citizen.opt_out_page, name="opt_out"),
    # GP
    path("fastlege/", gp.gp_home, name="gp_home"),
    path("fastlege/liste/<id:agreement_id>/listetak/", gp.ceiling_request, name="gp_ceiling"),
    path(
        "fastlege/listetak/<id:change_id>/trekk/", gp.ceiling_withdraw, name="gp_ceiling_withdraw"
    ),
    path("fastlege/liste/<id:agreement_id>/fravaer/", gp.absence, name="gp_absence"),
    path("fastlege/liste/<id:agreement_id>/personer/", gp_list.members, name="gp_members"),
    path("fastlege/liste/<id:agreement_id>/endringer/", gp_list.movements, name="gp_movements"),
    path("fastlege/liste/<id:agreement_id>/venteliste/", gp_list.waiting, name="gp_waiting"),
    path(
        "fastlege/liste/<id:agreement_id>/fravaer/oversikt/",
        gp_list.absences,
        name="gp_absences",
    ),
    path(
        "fastlege/liste/<id:agreement_id>/nytt-listetak/",
        gp_list.ceiling,
        name="gp_ceiling_page",
    ),
    path(
        "fastlege/fravaer/<id:absence_id>/endre/",
        gp_list.absence_change,
        name="gp_absence_change",
    ),
    # municipality
    path("kommune/<str:number>/", municipality.overview, name="municipality"),
    path("kommune/<str:number>/ny-liste/", municipality.new_list, name="new_list"),
    path("kommune/<str:number>/brukere/", municipality.users, name="municipality_users"),
    path(
        "kommune/<str:number>/automatisk-tildeling/",
        municipality.automatic_placement,
        name="automatic_placement",
    ),
    path(
        "kommune/<str:number>/listetak/<id:change_id>/",
        municipality.ceiling_decide,
        name="ceiling_decide",
    ),
    path(
        "kommune/<str:number>/liste/<id:agreement_id>/",
        municipality.list_page,
        name="municipality_list",
    ),
    path("kommune/<str:number>/fravaer/", municipality.absences, name="municipality_absences"),
    path(
        "kommune/<str:number>/fravaer/<id:absence_id>/avgjor/",
        municipality.absence_decide,
        name="absence_decide",
    ),
    path("kommune/<str:number>/deleliste/", wind_down.wind_downs, name="municipality_wind_downs"),
    path(
        "kommune/<str:number>/innlesing/",
        registry_import.registry_import,
        name="registry_import",
    ),
    path(
        "kommune/<str:number>/deleliste/<id:wind_down_id>/etterfolger/",
        wind_down.wind_down_successor,
        name="wind_down_successor",
    ),
    path(
        "kommune/<str:number>/deleliste/<id:wind_down_id>/avbryt/",
        wind_down.wind_down_cancel,
        name="wind_down_cancel",
    ),
    path(
        "kommune/<str:number>/liste/<id:agreement_id>/lavere-listetak/",
        municipality.impact,
        name="reduction_impact",
    ),
    path(
        "kommune/<str:number>/liste/<id:agreement_id>/<str:action>/",
        municipality.list_action,
        name="list_action",
    ),
    # county governor, national
    path("statsforvalter/<str:number>/", area.county, name="county"),
    path(
        "statsforvalter/<str:number>/oppfolging/<str:municipality>/",
        area.follow_up,
        name="county_followup",
    ),
    path("nasjonal/", area.national, name="national"),
]
