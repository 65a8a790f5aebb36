"""URLs under /dialog/. Links carry random tokens, never personal data."""

from django.urls import path

from fastlege.dialogue import views, views_actions

app_name = "dialogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("mote/<id:meeting_id>/", views.meeting_detail, name="meeting"),
    path("mote/<id:meeting_id>/program/", views.meeting_programme, name="programme"),
    path("mote/<id:meeting_id>/kalender.ics", views.meeting_ics, name="ics"),
    path("mote/<id:meeting_id>/pamelding/", views.register, name="register"),
    path("pamelding/<str:token>/bekreft/", views.registration_confirm, name="registration_confirm"),
    path("pamelding/<str:token>/avmeld/", views.registration_cancel, name="registration_cancel"),
    path("innspill/<id:consultation_id>/", views.consultation_detail, name="consultation"),
    path(
        "innspill/<id:consultation_id>/publisert/",
        views.published_submissions,
        name="published",
    ),
    path("innspill/bekreft/<str:token>/", views.submission_confirm, name="submission_confirm"),
    path("arrangor/", views.organiser_home, name="organiser"),
    path("arrangor/mote/ny/", views.meeting_create, name="meeting_create"),
    path("arrangor/mote/<id:meeting_id>/", views.organiser_meeting, name="organiser_meeting"),
    path(
        "arrangor/mote/<id:meeting_id>/<str:what>/",
        views.organiser_meeting_post,
        name="organiser_meeting_post",
    ),
    path("arrangor/mote/<id:meeting_id>/deltakere", views.participants, name="participants"),
    path(
        "arrangor/mote/<id:meeting_id>/deltakere.<str:fmt>",
        views.participants,
        name="participants_export",
    ),
    path("arrangor/innspill/ny/", views.consultation_create, name="consultation_create"),
    path(
        "arrangor/innspill/<id:consultation_id>/",
        views.organiser_consultation,
        name="organiser_consultation",
    ),
    path(
        "arrangor/innspill/<id:consultation_id>/oppsummering.<str:fmt>",
        views.organiser_consultation,
        name="consultation_export",
    ),
    path("arrangor/vedlegg/<id:submission_id>/", views.attachment, name="attachment"),
    path("forum/<id:forum_id>/", views.forum_detail, name="forum"),
    path("forum/sak/<id:case_id>/", views.case_detail, name="case"),
    # group work and follow-up actions (views_actions.py)
    path(
        "arrangor/gruppearbeid/<id:meeting_id>/ny-gruppe/",
        views_actions.group_create,
        name="group_create",
    ),
    path(
        "arrangor/gruppearbeid/<id:meeting_id>/nytt-tiltak/",
        views_actions.action_create,
        name="action_create",
    ),
    path(
        "arrangor/gruppearbeid/<id:meeting_id>/oppfolging.csv",
        views_actions.actions_export,
        name="actions_export",
    ),
    path("gruppe/<id:group_id>/svar/", views_actions.group_answers, name="group_answers"),
    path("tiltak/<id:action_id>/status/", views_actions.action_status, name="action_status"),
]

# issue 21, part 1: invitations and coverage (in front: «arrangor/mote/<id>/<what>/»
# above would take them)
from fastlege.dialogue import views_invitations  # noqa: E402

urlpatterns[:0] = [
    path(
        "arrangor/mote/<id:meeting_id>/invitasjoner/",
        views_invitations.invitations,
        name="invitations",
    ),
    path(
        "arrangor/mote/<id:meeting_id>/dekning.csv",
        views_invitations.coverage_csv,
        name="coverage_csv",
    ),
    path(
        "arrangor/mote/<id:meeting_id>/oppmote/",
        views_invitations.attendance,
        name="attendance",
    ),
]

# A meeting's situation report (views_situation).
from fastlege.dialogue import views_situation  # noqa: E402

urlpatterns += [
    path(
        "arrangor/mote/<id:meeting_id>/situasjonsbilde/ny/",
        views_situation.make,
        name="situation_make",
    ),
    path("mote/<id:meeting_id>/situasjonsbilde/", views_situation.report, name="situation"),
    path(
        "mote/<id:meeting_id>/situasjonsbilde/<id:version>/",
        views_situation.report,
        name="situation_version",
    ),
    path(
        "mote/<id:meeting_id>/situasjonsbilde/<id:version>.pdf",
        views_situation.pdf,
        name="situation_pdf",
    ),
]

# consultations with phases (issue 21, part 4)
from fastlege.dialogue import views_consultations  # noqa: E402

urlpatterns += [
    path(
        "arrangor/innspill/<id:consultation_id>/fase/<str:what>/",
        views_consultations.phase_post,
        name="consultation_phase",
    ),
    path(
        "arrangor/innspill/<id:consultation_id>/analyse/",
        views_consultations.analysis,
        name="consultation_analysis",
    ),
    path(
        "arrangor/innspill/<id:consultation_id>/svar.<str:fmt>",
        views_consultations.analysis,
        name="consultation_answers",
    ),
    path(
        "innspill/<id:consultation_id>/svar.csv",
        views_consultations.public_answers_csv,
        name="public_answers",
    ),
]

# the tripartite forum's agreements as commitments (issue 21, part 5)
from fastlege.dialogue import views_commitments  # noqa: E402

urlpatterns += [
    path("forum/<id:forum_id>/avtaler/", views_commitments.commitments, name="commitments"),
    path(
        "forum/<id:forum_id>/avtaler/ny/",
        views_commitments.commitment_create,
        name="commitment_create",
    ),
    path("avtale/<id:commitment_id>/", views_commitments.commitment_detail, name="commitment"),
    path(
        "avtale/<id:commitment_id>/<str:what>/",
        views_commitments.commitment_post,
        name="commitment_post",
    ),
]
