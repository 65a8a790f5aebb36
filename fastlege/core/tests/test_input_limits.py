"""Issue 18, finding 11: free text has a length limit everywhere it can come in."""

from __future__ import annotations

import importlib
import io
import pkgutil

import pytest
from django import forms

import fastlege
from fastlege.core import limits

#: Fields the log-in work owns (issue 18, findings 1, 2, 6, 7): Django's own
#: log-in fields (the user name gets its max_length in the form's __init__; the
#: password is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE).
OWNED_ELSEWHERE = {
    ("fastlege.web.forms.LoginForm", "username"),
    ("fastlege.web.forms.LoginForm", "password"),
    ("fastlege.accounts.forms.AdminLoginForm", "username"),
    ("fastlege.accounts.forms.AdminLoginForm", "password"),
    # Django's own password fields of the admin's user form (bounded by the body limit)
    ("fastlege.accounts.forms.UserCreateForm", "password1"),
    ("fastlege.accounts.forms.UserCreateForm", "password2"),
}


def _all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(fastlege.__path__, "fastlege."):
        name = module.name
        if ".tests" in name or ".migrations" in name or name.endswith("__main__"):
            continue
        importlib.import_module(name)
    found: list[type[forms.BaseForm]] = []
    stack: list[type[forms.BaseForm]] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("fastlege.") and ".tests" not in sub.__module__:
                found.append(sub)
    return found


def test_every_text_field_of_every_form_has_a_length_limit():
    classes = _all_form_classes()
    assert len(classes) > 30  # the walk really found the project's forms
    missing = []
    for cls in classes:
        for name, field in getattr(cls, "base_fields", {}).items():
            key = (f"{cls.__module__}.{cls.__qualname__}", name)
            unlimited = isinstance(field, forms.CharField) and field.max_length is None
            if unlimited and key not in OWNED_ELSEWHERE:
                missing.append(".".join(key))
    assert not missing, "without max_length:\n" + "\n".join(missing)


def test_a_too_long_text_is_refused_with_a_norwegian_message():
    limits.check_length("innspill", "x" * limits.LONG_TEXT, limits.LONG_TEXT)
    try:
        limits.check_length("innspill", "x" * (limits.LONG_TEXT + 1), limits.LONG_TEXT)
    except limits.InputError as refused:
        assert refused.code == "text_too_long"
        assert str(refused.message) == "«innspill» kan ha høyst 20000 tegn (du skrev 20001)."
    else:
        raise AssertionError("not refused")


# --- the consultation input of the finding: anonymous, and exported by the organiser


def _post(client, c, text: str):
    from django.urls import reverse

    return client.post(
        reverse("dialogue:consultation", args=[c.pk]),
        {"name": "Anonym", "email": "anonym@example.no", "submitter_kind": "pasient",
         "text": text},
    )  # fmt: skip


@pytest.fixture
def open_consultation(monkeypatch):
    from django.utils import timezone

    from fastlege.dialogue.tests.test_consultations import DURING, consultation

    monkeypatch.setattr(timezone, "now", lambda: DURING)
    return consultation()


@pytest.mark.django_db
def test_an_11_mib_anonymous_input_is_refused_and_nothing_is_saved(client, open_consultation):
    from fastlege.dialogue.models import Submission

    response = _post(client, open_consultation, "Innspill. " * (11 * 1024 * 1024 // 10))
    assert response.status_code == 400  # the body is over DATA_UPLOAD_MAX_MEMORY_SIZE
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_an_input_one_character_over_the_limit_is_refused_by_form_and_service(
    client, open_consultation
):
    from fastlege.dialogue import services
    from fastlege.dialogue.models import Registration, Submission
    from fastlege.dialogue.tests.factories import meeting, registration

    c = open_consultation
    response = _post(client, c, "x" * (limits.LONG_TEXT + 1))
    assert response.status_code == 200
    assert f"{limits.LONG_TEXT} eller færre tegn (den har nå 20001)" in response.content.decode()
    assert not Submission.objects.exists()
    data = services.SubmissionData(
        name="Anonym", email="a@example.no", submitter_kind="pasient", text="x" * 20_001
    )
    with pytest.raises(limits.InputError) as refused:
        services.submit(None, c.pk, data)
    assert "«innspill» kan ha høyst 20000 tegn" in refused.value.message
    data.text = "x" * limits.LONG_TEXT  # exactly the limit goes through
    assert services.submit(None, c.pk, data).text == data.text

    m = meeting()
    with pytest.raises(limits.InputError):
        services.register(None, m.pk, registration(m.pk, name="N" * (limits.SHORT_TEXT + 1)))
    with pytest.raises(limits.InputError):
        services.register(None, m.pk, registration(m.pk, dietary_needs="glutenfri " * 31))
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_the_organisers_pdf_and_word_exports_do_not_fail_on_a_long_stored_input(
    client, open_consultation
):
    import docx
    from django.urls import reverse
    from pypdf import PdfReader

    from fastlege.dialogue import services
    from fastlege.dialogue.models import Submission

    c = open_consultation
    data = services.SubmissionData(
        name="Anonym", email="a@example.no", submitter_kind="pasient", text="Kort innspill."
    )
    s = services.submit(None, c.pk, data)
    # stored before the limits existed: 200 000 characters, no spaces to break at
    Submission.objects.filter(pk=s.pk).update(text="y" * 200_000)
    client.force_login(c.created_by)
    pdf = client.get(reverse("dialogue:consultation_export", args=[c.pk, "pdf"]))
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "forkortet: teksten har 200000 tegn, vist 20000" in " ".join(text.split())
    word = client.get(reverse("dialogue:consultation_export", args=[c.pk, "docx"]))
    assert word.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    cut = [p for p in paragraphs if p.startswith("yyyy")]
    assert len(cut) == 1 and cut[0].count("y") == limits.EXPORT_TEXT


@pytest.mark.django_db
def test_a_line_break_in_a_meeting_title_does_not_stop_its_e_mails(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from fastlege.dialogue import services
    from fastlege.dialogue.models import OutgoingEmail
    from fastlege.dialogue.tests.factories import meeting, registration

    m = meeting(title="Dialogmøte\r\nom fastlegeordningen")
    with django_capture_on_commit_callbacks(execute=True):
        services.register(None, m.pk, registration(m.pk))
    assert OutgoingEmail.objects.get().sent_at is not None  # sent, not silently stuck
    (sent,) = mail.outbox
    assert "\n" not in sent.subject and "\r" not in sent.subject
    assert "Dialogmøte om fastlegeordningen" in sent.subject


@pytest.mark.django_db
def test_a_title_or_name_beginning_with_a_formula_is_text_in_the_participants_excel():
    from openpyxl import load_workbook

    from fastlege.dialogue import exports, services
    from fastlege.dialogue.models import Registration
    from fastlege.dialogue.tests.factories import meeting, registration

    m = meeting(title='=HYPERLINK("https://example.com";"Klikk")')
    services.register(None, m.pk, registration(m.pk, name="=1+1", organisation="@SUM(A1)"))
    book = load_workbook(io.BytesIO(exports.participants_xlsx(m, list(Registration.objects.all()))))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    texts = {c.value for c in cells}
    assert "'=1+1" in texts and "'@SUM(A1)" in texts
    assert any(str(v).startswith("'=HYPERLINK") for v in texts)
