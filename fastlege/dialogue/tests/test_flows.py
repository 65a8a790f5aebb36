"""The two user journeys, as end-to-end form flows with Django's test client.

The real-browser versions (Chromium + axe-core) come with the site's browser
fixture (web issue); these post the same forms a browser without JavaScript would.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fastlege.core.models import AuditEvent
from fastlege.dialogue import selectors, services
from fastlege.dialogue.models import Meeting, Registration, Submission
from fastlege.dialogue.sources import SOURCE_000_PROGRAMME
from fastlege.dialogue.tests.factories import (
    at,
    county_governor,
    docx_bytes,
    meeting,
    ministry,
    municipality_user,
    registration,
)

pytestmark = pytest.mark.django_db


def test_an_organiser_creates_a_meeting_with_a_programme(client):
    governor = county_governor()
    client.force_login(governor)
    page = client.get(reverse("dialogue:meeting_create"))
    assert page.status_code == 200 and "Nytt møte" in page.content.decode()
    form = {
        "kind": "dialogmote",
        "title": "Dialogmøte om fastlegeordningen",
        "date": "2030-12-07",
        "start_time": "09:00",
        "end_time": "12:00",
        "place": "Teams",
        "organiser_name": "Statsforvalteren i Trøndelag",
        "county": "50",
        "registration_deadline": "2030-12-01T12:00",
        "capacity": "80",
        "waiting_list": "on",
        "published": "on",
        "programme": SOURCE_000_PROGRAMME.replace("09:35 - 09:40", "09:30 - 09:40"),
    }
    refused = client.post(reverse("dialogue:meeting_create"), form)
    assert refused.status_code == 200
    assert "overlapper" in refused.content.decode()
    assert not Meeting.objects.exists()

    form["programme"] = SOURCE_000_PROGRAMME
    created = client.post(reverse("dialogue:meeting_create"), form)
    m = Meeting.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("dialogue:organiser_meeting", args=[m.pk])
    assert m.programme.count() == 9 and m.county_id == "50"

    managed = client.get(created["Location"]).content.decode()
    assert "Gruppearbeid – status fastlegeordningen i Trøndelag" in managed
    client.post(
        reverse("dialogue:group_create", args=[m.pk]),
        {"name": "Gruppe 1", "questions": "Hva svikter, og hvilke tiltak kan hjelpe?"},
    )
    group = m.groups.get()
    client.post(
        reverse("dialogue:organiser_meeting_post", args=[m.pk, "notat"]),
        {"group": group.pk, "text": "Ikke utkonkurrere hverandre."},
    )
    client.post(
        reverse("dialogue:organiser_meeting_post", args=[m.pk, "referat"]),
        {"minutes": "Referat.", "summary": "Felles grep i Trøndelag."},
    )
    client.post(
        reverse("dialogue:action_create", args=[m.pk]),
        {"what": "Informere hverandre om tenkte tiltak", "owner_kind": "organisasjon",
         "responsible": "Kommuneoverlegene", "due": "2031-03-01"},
    )  # fmt: skip
    action = m.actions.get()
    client.post(
        reverse("dialogue:action_status", args=[action.pk]),
        {"status": "pagar", "comment": ""},
    )
    client.post(
        reverse("dialogue:organiser_meeting_post", args=[m.pk, "frist"]),
        {"registration_deadline": "2030-12-03T12:00"},
    )
    too_few = client.post(
        reverse("dialogue:organiser_meeting_post", args=[m.pk, "plasser"]), {"capacity": "0"}
    )
    assert (
        too_few.status_code == 200
        and "Verdien må være større enn eller lik 1." in too_few.content.decode()
    )
    client.post(reverse("dialogue:organiser_meeting_post", args=[m.pk, "plasser"]),
                {"capacity": "40"})  # fmt: skip
    m.refresh_from_db()
    assert m.capacity == 40
    action.refresh_from_db()
    assert group.notes.get().text == "Ikke utkonkurrere hverandre."
    assert m.summary == "Felles grep i Trøndelag." and action.status == "pagar"
    assert timezone.localtime(m.registration_deadline).day == 3
    printable = client.get(reverse("dialogue:programme", args=[m.pk])).content.decode()
    assert "09:35–09:40" in printable and "<script" not in printable
    ics = client.get(reverse("dialogue:ics", args=[m.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_a_citizen_registers_and_submits_input_without_an_account(
    client, django_capture_on_commit_callbacks
):
    hod = ministry()
    m = meeting(hod, SOURCE_000_PROGRAMME, county_id=None, capacity=1)
    c = services.create_consultation(
        hod,
        title="Innspill om allmennlegetjenesten",
        question="Hva må til?",
        organiser_name="Helse- og omsorgsdepartementet",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        deadline=timezone.now() + datetime.timedelta(days=30),
        themes=["Rekruttering", "ALIS"],
    )
    index = client.get(reverse("dialogue:index")).content.decode()
    assert m.title in index and c.title in index
    detail = client.get(reverse("dialogue:meeting", args=[m.pk])).content.decode()
    assert "Handlingsplan for allmennlegetjenesten" in detail

    # bad input: a clear Norwegian error, nothing stored
    bad = client.post(reverse("dialogue:register", args=[m.pk]), {"name": "", "email": "x"})
    assert bad.status_code == 200 and "Feltet er påkrevet." in bad.content.decode()
    assert not Registration.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            reverse("dialogue:register", args=[m.pk]),
            {"name": "Kari Nordmann", "email": "kari@example.no", "role": "pasient",
             "organisation": "Eldrerådet", "dietary_needs": "laktosefri"},
        )  # fmt: skip
    # two steps: the form holds no seat until the e-mailed link is confirmed
    assert ok.status_code == 200 and "Sjekk e-posten din" in ok.content.decode()
    assert "ingen plass er holdt av" in ok.content.decode()
    assert Registration.objects.get().status == "ubekreftet"
    assert selectors.seats(m) == {"registered": 0, "waiting": 0, "free": 1}
    found = re.search(r"https?://\S+/bekreft/", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(0)
    path = link.split("8000", 1)[-1]
    assert "Kari" not in path and "kari" not in path
    opened = client.get(path)  # what a mail scanner does: takes no seat
    assert opened.status_code == 200 and "Bekreft påmeldingen" in opened.content.decode()
    assert Registration.objects.get().status == "ubekreftet"
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path)
    assert confirmed.status_code == 200
    assert f"Påmeldingen til {m.title} er bekreftet" in confirmed.content.decode()
    assert Registration.objects.get().email_confirmed_at is not None
    assert Registration.objects.get().status == "pameldt"
    assert "Meld deg av" in str(mail.outbox[-1].body)  # the seat's e-mail, with the cancel link

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dialogue:register", args=[m.pk]),
            {"name": "Ola", "email": "ola@example.no", "role": "fastlege"},
        )
    ola_link = re.search(r"https?://\S+/bekreft/", str(mail.outbox[-1].body))
    assert ola_link is not None
    full = client.post(ola_link.group(0).split("8000", 1)[-1])
    assert "venteliste" in full.content.decode()

    first = Registration.objects.get(email="kari@example.no")
    cancel_path = reverse("dialogue:registration_cancel", args=[first.token])
    cancelled = client.post(cancel_path)
    assert cancelled.status_code == 200
    assert f"Du er meldt av {m.title}" in cancelled.content.decode()
    assert Registration.objects.get(email="ola@example.no").status == "pameldt"

    form = {
        "name": "Kari Nordmann",
        "email": "kari@example.no",
        "organisation": "Eldrerådet",
        "submitter_kind": "pasient",
        "themes": [str(c.themes.get(name="ALIS").pk)],
        "text": "Flere ALIS-stillinger i distriktene.",
    }
    fake = client.post(
        reverse("dialogue:consultation", args=[c.pk]),
        {**form, "attachment": _upload("innspill.pdf", b"bare tekst")},
    )
    assert fake.status_code == 200
    assert "Vedlegget må være en PDF- eller Word-fil" in fake.content.decode()
    assert not Submission.objects.exists()
    sent = client.post(
        reverse("dialogue:consultation", args=[c.pk]),
        {**form, "attachment": _upload("innspill.docx", docx_bytes())},
    )
    assert "Takk for innspillet" in sent.content.decode()
    s = Submission.objects.get()
    assert s.attachment.kind == "docx" and [t.name for t in s.themes.all()] == ["ALIS"]


def export_rows(response) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_organiser_pages_need_an_organiser(client):
    m = meeting(None)
    services.register(None, m.pk, registration(m.pk, 1), now=at(2030, 11, 1))
    url = reverse("dialogue:participants", args=[m.pk])
    to_login = client.get(url)
    assert to_login.status_code == 302
    assert to_login["Location"] == f"{reverse('web:login')}?next={url}"
    client.force_login(municipality_user())
    assert client.get(url).status_code == 403
    client.force_login(county_governor("03"))
    assert client.get(url).status_code == 403
    governor = county_governor()
    client.force_login(governor)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()  # the registrant of the meeting, by name and address
    assert m.title in html and "Deltaker 1" in html and "deltaker1@example.no" in html
    assert AuditEvent.objects.filter(actor=governor, action="dialogue.participants.read").exists()
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("dialogue:participants_export", args=[m.pk, fmt]))
        assert export.status_code == 200 and "no-store" in export["Cache-Control"]
    csv_rows = export_rows(client.get(reverse("dialogue:participants_export", args=[m.pk, "csv"])))
    assert csv_rows[0][:2] == ["Navn", "E-post"]
    assert csv_rows[1][:3] == ["Deltaker 1", "deltaker1@example.no", "Trondheim kommune"]
    assert (
        client.get(reverse("dialogue:participants_export", args=[m.pk, "exe"])).status_code == 404
    )


def test_organiser_consultation_page_filters_exports_and_publishes(client):
    hod = ministry()
    c = services.create_consultation(
        hod, title="Innspill", question="Hva må til?", organiser_name="HOD",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        deadline=timezone.now() + datetime.timedelta(days=1), themes=["ALIS", "Oppgaver"],
    )  # fmt: skip
    alis = c.themes.get(name="ALIS")
    for n, theme in ((1, alis), (2, None)):
        services.submit(None, c.pk, services.SubmissionData(
            name=f"Innsender {n}", email=f"i{n}@example.no", submitter_kind="kommune",
            text=f"Innspill {n}", theme_ids=[theme.pk] if theme else [],
            requests_non_public=n != 1, non_public_reason="Interne planer"))  # fmt: skip
    client.force_login(hod)
    url = reverse("dialogue:organiser_consultation", args=[c.pk])
    page = client.get(url, {"tema": alis.pk}).content.decode()
    assert "Innspill 1" in page and "Innspill 2" not in page
    s1 = c.submissions.get(name="Innsender 1")
    client.post(url, {"submission": s1.pk, "marked": "on", "comment": "Viktig"})
    s1.refresh_from_db()
    assert s1.marked and s1.organiser_comment == "Viktig"
    for fmt, kind in (("docx", "wordprocessingml"), ("pdf", "pdf"), ("csv", "csv")):
        r = client.get(reverse("dialogue:consultation_export", args=[c.pk, fmt]))
        assert r.status_code == 200 and kind in r["Content-Type"]
        if fmt == "csv":  # the readable one: both submissions, by their text
            exported = r.content.decode("utf-8-sig")
            assert "Innspill 1" in exported and "Innspill 2" in exported
    client.post(url, {"publish": "1"})
    public = client.get(reverse("dialogue:published", args=[c.pk])).content.decode()
    assert "Innspill 1" in public and "Innspill 2" not in public and "i1@example.no" not in public


def test_the_attachment_is_for_the_organiser_and_its_download_is_logged(client):
    hod = ministry()
    c = services.create_consultation(
        hod, title="Innspill", question="Hva?", organiser_name="HOD",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        deadline=timezone.now() + datetime.timedelta(days=1), themes=["ALIS"],
    )  # fmt: skip
    s = services.submit(None, c.pk, services.SubmissionData(
        name="Kari", email="kari@example.no", submitter_kind="fastlege", text="Tekst",
        file_name="innspill.docx", file_content=docx_bytes()))  # fmt: skip
    url = reverse("dialogue:attachment", args=[s.pk])
    client.force_login(county_governor())
    assert client.get(url).status_code == 403  # a national consultation
    client.force_login(hod)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == bytes(s.attachment.content)
    assert AuditEvent.objects.filter(
        actor=hod, kind="read", action=f"dialogue.attachment.read {s.pk}"
    ).exists()


def test_the_forum_and_a_case_with_its_indicators(client):
    from django.core.management import call_command

    from fastlege.dialogue.models import ForumCase

    call_command("dialogue_demo")
    case = ForumCase.objects.get(title="Rekruttering og stabilitet")
    client.force_login(county_governor())
    assert client.get(reverse("dialogue:forum", args=[case.forum_id])).status_code == 403
    client.force_login(ministry())
    forum_page = client.get(reverse("dialogue:forum", args=[case.forum_id])).content.decode()
    assert "Legeforeningen" in forum_page and "Rekruttering og stabilitet" in forum_page
    # the case's indicator by its Norwegian name, linked to its definition; never the key
    assert "andel_uten_lege" not in re.sub(r"<[^>]*>", "", forum_page)  # visible text
    assert (
        '<a href="/statistikk/definisjoner/#andel_uten_lege">'
        "Andel listeinnbyggere uten fast lege</a>"
    ) in forum_page
    page = client.get(reverse("dialogue:case", args=[case.pk])).content.decode()
    # the statistics app's name; its figures are compared with the statistics page in
    # test_commitments_pages.py (one truth)
    assert "Andel listeinnbyggere uten fast lege" in page
    created = client.post(
        reverse("dialogue:forum", args=[case.forum_id]),
        {"title": "Legevakt", "indicators": ["reservekapasitet"]},
    )
    assert created.status_code == 302
    assert created["Location"] == reverse("dialogue:forum", args=[case.forum_id])
    new = ForumCase.objects.get(title="Legevakt")
    assert list(new.indicators.values_list("code", flat=True)) == ["reservekapasitet"]
    decided = client.post(
        reverse("dialogue:case", args=[new.pk]),
        {"case": new.pk, "text": "Saken avsluttes.", "decided_on": "2030-05-01",
         "closes_case": "on"},
    )  # fmt: skip
    assert decided.status_code == 302
    assert decided["Location"] == reverse("dialogue:case", args=[new.pk])
    new.refresh_from_db()
    assert new.status == "avsluttet"


def test_after_the_deadline_the_pages_say_so_instead_of_showing_the_form(client):
    past = timezone.now() - datetime.timedelta(hours=1)
    m = meeting(None, registration_deadline=past)
    page = client.get(reverse("dialogue:register", args=[m.pk])).content.decode()
    assert "Påmeldingsfristen gikk ut" in page and "Meld meg på" not in page
    detail = client.get(reverse("dialogue:meeting", args=[m.pk])).content.decode()
    assert "Påmeldingsfristen gikk ut" in detail
    posted = client.post(
        reverse("dialogue:register", args=[m.pk]),
        {"name": "Ola", "email": "ola@example.no", "role": "fastlege"},
    )
    assert "Påmeldingsfristen gikk ut" in posted.content.decode()
    assert not Registration.objects.exists()


def test_the_meeting_form_starts_a_new_series_or_refuses_both_kinds(client):
    from fastlege.dialogue.models import MeetingSeries

    client.force_login(county_governor())
    existing = services.create_series(
        None, title="Eksisterende serie", organiser_name="SF", county_id="50"
    )
    form = {
        "kind": "dialogmote", "title": "Dialogmøte", "date": "2030-12-07",
        "start_time": "09:00", "end_time": "12:00", "place": "Teams",
        "organiser_name": "Statsforvalteren i Trøndelag", "county": "50",
        "series": str(existing.pk), "new_series": "Dialogmøter i Trøndelag",
    }  # fmt: skip
    both = client.post(reverse("dialogue:meeting_create"), form)
    assert "ikke begge" in both.content.decode() and not Meeting.objects.exists()
    del form["series"]
    created = client.post(reverse("dialogue:meeting_create"), form)
    assert created.status_code == 302
    assert created["Location"] == reverse(
        "dialogue:organiser_meeting", args=[Meeting.objects.get().pk]
    )
    series = MeetingSeries.objects.get(title="Dialogmøter i Trøndelag")
    assert series.county_id == "50" and list(series.meetings.all()) == list(Meeting.objects.all())

    # Not the governor's county: neither the series nor the meeting is stored.
    form.update(new_series="Ny serie i Oslo", county="03")
    client.post(reverse("dialogue:meeting_create"), form)
    assert not MeetingSeries.objects.filter(title="Ny serie i Oslo").exists()
    assert Meeting.objects.count() == 1
