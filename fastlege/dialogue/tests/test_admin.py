"""Every dialogue model is in the admin; its pages open; personal data reads are logged."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from fastlege.accounts.models import Role
from fastlege.core.models import AuditEvent
from fastlege.dialogue import services
from fastlege.dialogue.models import Forum, Meeting, Registration
from fastlege.dialogue.models_situation import SituationReport
from fastlege.dialogue.tests.factories import at, docx_bytes, meeting, registration
from fastlege.registry.tests.factories import user_with

pytestmark = pytest.mark.django_db
MODELS = [m for m in admin.site._registry if m._meta.app_label == "dialogue"]


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    call_command("dialogue_demo")
    m = meeting(None, "09:00-12:00 Dialog", capacity=5)
    services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    group = services.add_group(None, m.pk, "Gruppe 1", "Hva svikter?")
    services.add_group_note(None, group.pk, "Notat")
    services.add_action(None, m.pk, what="Følge opp", responsible="Statsforvalteren", due=None)
    consultation = services.create_consultation(
        None, title="Innspill", question="Hva?", organiser_name="HOD",
        opens_at=at(2030, 1, 1), deadline=at(2030, 3, 1), themes=["ALIS"],
    )  # fmt: skip
    services.submit(
        None, consultation.pk,
        services.SubmissionData(name="Kari", email="kari@example.no", submitter_kind="fastlege",
                                text="Tekst", file_name="a.docx", file_content=docx_bytes()),
        now=at(2030, 2, 1),
    )  # fmt: skip
    forum_meeting = Meeting.objects.create(
        kind=Meeting.Kind.FORUM, forum=Forum.objects.get(), title="Forummøte",
        date=datetime.date(2030, 5, 1),
        start_time=datetime.time(10), end_time=datetime.time(12), place="HOD",
        organiser_name="HOD", personal_data_until=datetime.date(2030, 8, 1),
    )  # fmt: skip
    services.build_agenda(None, forum_meeting.pk)
    case = forum_meeting.agenda.get(position=1).case
    services.record_decision(None, case.pk, text="Vedtak", decided_on=datetime.date(2030, 5, 1))
    governor = user_with(Role.COUNTY_GOVERNOR, county_id="50")
    services.record_follow_up(governor, "5001", note="Ringt", last_contacted=None)
    SituationReport.objects.create(
        meeting=m, version=1, county_id="50", as_of_month=datetime.date(2030, 10, 1),
        data={}, public_data={}, pdf=b"%PDF-1.4", public_pdf=b"%PDF-1.4",
    )  # fmt: skip


def test_every_dialogue_model_is_registered():
    from django.apps import apps

    assert set(apps.get_app_config("dialogue").get_models()) == set(MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_pages_open(admin_client, world, model):
    info = model._meta.app_label, model._meta.model_name
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, "the world must have one of each"
    change_url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    changelist = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code == 200
    assert escape(change_url) in changelist.content.decode()  # the row links to its page
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert escape(str(obj)) in page.content.decode()  # the page is about that object


def test_opening_a_registration_in_the_admin_is_an_audited_read(admin_client, world):
    reg = Registration.objects.get(email="deltaker1@example.no")
    admin_client.get(reverse("admin:dialogue_registration_change", args=[reg.pk]))
    assert AuditEvent.objects.filter(
        kind="read", object_type="dialogue.meeting", object_id=str(reg.meeting_id)
    ).exists()
    # registrations change only through the services: no add, change or delete in the admin
    assert admin_client.get(reverse("admin:dialogue_registration_add")).status_code == 403
