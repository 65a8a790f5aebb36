"""Issue 18, finding 3: an anonymous Word "decompression bomb" must be refused before
anything is inflated, with a clear Norwegian message and nothing saved."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fastlege.core import uploads
from fastlege.core.models import AuditEvent
from fastlege.dialogue.models import Submission, SubmissionAttachment
from fastlege.dialogue.tests.factories import docx_bytes, pdf_bytes
from fastlege.dialogue.tests.test_consultations import DURING, consultation

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def bomb(inflated: int = 200 * MIB) -> bytes:
    """A "Word file" whose document part inflates to ``inflated`` bytes of zeros,
    written in 1 MiB chunks so the test itself never holds it in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * MIB
            for _ in range(inflated // MIB):
                member.write(chunk)
    return buffer.getvalue()


def _form(c, **extra):
    return {
        "name": "Anonym",
        "email": "anonym@example.no",
        "submitter_kind": "pasient",
        "text": "Se vedlegget.",
        **extra,
    }


@pytest.fixture
def opened(monkeypatch):
    """A consultation open now, and a trace of every byte a ZIP member gives out."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: DURING)
    inflated: list[int] = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = real_read(self, n)
        inflated.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    return consultation(), inflated


def test_a_word_bomb_is_refused_before_it_is_inflated(client, opened):
    c, inflated = opened
    payload = bomb()
    assert len(payload) < 400 * 1024  # the attack is small ...
    tracemalloc.start()
    try:
        response = client.post(
            reverse("dialogue:consultation", args=[c.pk]),
            _form(c, attachment=SimpleUploadedFile("innspill.docx", payload)),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    page = response.content.decode()
    assert response.status_code == 200
    assert "Filen blir for stor når den pakkes ut (høyst 30 MB)" in page
    # ... nothing saved, nothing audited as a submission ...
    assert not Submission.objects.exists() and not SubmissionAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="dialogue.submission.create").exists()
    # ... and the 200 MiB member was never inflated: the memory stays small
    assert sum(inflated) < 64 * 1024
    assert peak < 40 * MIB


def test_the_bomb_is_refused_by_the_service_check_on_its_declared_size():
    with pytest.raises(uploads.UploadError) as refused:
        uploads.check_upload(bomb(40 * MIB))
    assert refused.value.code == uploads.Code.FILE_ARCHIVE_TOO_LARGE


def test_a_member_that_inflates_far_more_than_a_document_does_is_refused():
    # 8 MiB of zeros: under the total limit, but a ratio of about 1000 to 1
    with pytest.raises(uploads.UploadError) as refused:
        uploads.check_upload(bomb(8 * MIB))
    assert refused.value.code == uploads.Code.FILE_ARCHIVE_TOO_LARGE


def test_a_document_part_larger_than_the_xml_limit_is_refused_even_at_a_normal_ratio():
    # 12 MiB of varied Word-like XML compresses only about 20-30 times
    paragraph = "<w:p><w:r><w:t>Innspill nummer {} om fastlegeordningen.</w:t></w:r></w:p>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            written = 0
            while written < 12 * MIB:
                chunk = "".join(paragraph.format(written + k) for k in range(1000)).encode()
                member.write(chunk)
                written += len(chunk)
    info = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).getinfo("word/document.xml")
    assert info.file_size / info.compress_size < uploads.ZIP_MAX_RATIO
    with pytest.raises(uploads.UploadError) as refused:
        uploads.check_upload(buffer.getvalue())
    assert refused.value.code == uploads.Code.FILE_ARCHIVE_TOO_LARGE
    assert "høyst 10 MB" in refused.value.message


def test_too_many_members_and_nested_archives_are_refused():
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(uploads.ZIP_MAX_MEMBERS):
            archive.writestr(f"word/media/{i}.txt", "x")
    with pytest.raises(uploads.UploadError) as refused:
        uploads.check_upload(many.getvalue())
    assert refused.value.code == uploads.Code.FILE_ARCHIVE_TOO_MANY_MEMBERS
    assert "høyst 300" in refused.value.message

    for name in ("word/embeddings/inner.zip", "word/media/image1.png"):
        nested = io.BytesIO()
        with zipfile.ZipFile(nested, "w") as archive:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
            archive.writestr(name, bomb(2 * MIB))  # a zip inside, whatever its name
        with pytest.raises(uploads.UploadError) as refused:
            uploads.check_upload(nested.getvalue())
        assert refused.value.code == uploads.Code.FILE_ARCHIVE_NESTED, name


def test_a_pdf_with_too_many_pages_is_refused(monkeypatch):
    from fpdf import FPDF

    monkeypatch.setattr(uploads, "PDF_MAX_PAGES", 3)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for page in range(4):
        pdf.add_page()
        pdf.cell(0, 10, f"Side {page + 1}")
    with pytest.raises(uploads.UploadError) as refused:
        uploads.check_upload(bytes(pdf.output()))
    assert refused.value.code == uploads.Code.FILE_PDF_TOO_MANY_PAGES
    assert "høyst 3" in refused.value.message
    assert uploads.check_upload(pdf_bytes()) == "pdf"  # one page is fine


def test_an_oversized_upload_is_refused_by_its_size_before_it_is_read(client, opened):
    c, _ = opened

    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):  # the view must not read it at all
            raise AssertionError("read an oversized upload")

    content = b"%PDF-" + b"x" * (uploads.MAX_FILE_BYTES + 1)
    big = Unreadable("stor.pdf", content)
    with pytest.raises(uploads.UploadError) as refused:
        uploads.read_upload(big)
    assert refused.value.code == uploads.Code.FILE_TOO_LARGE
    response = client.post(
        reverse("dialogue:consultation", args=[c.pk]),
        _form(c, attachment=SimpleUploadedFile("stor.pdf", content)),
    )
    assert "Vedlegget er for stort: høyst 10 MB er tillatt." in response.content.decode()
    assert not Submission.objects.exists()


def test_only_one_file_per_submission(client, opened):
    c, _ = opened
    response = client.post(
        reverse("dialogue:consultation", args=[c.pk]),
        _form(
            c,
            attachment=[
                SimpleUploadedFile("a.docx", docx_bytes()),
                SimpleUploadedFile("b.docx", docx_bytes()),
            ],
        ),
    )
    assert "Du kan legge ved høyst 1 fil." in response.content.decode()
    assert not Submission.objects.exists()


def test_a_normal_word_file_still_goes_through(client, opened):
    c, inflated = opened
    response = client.post(
        reverse("dialogue:consultation", args=[c.pk]),
        _form(c, attachment=SimpleUploadedFile("innspill.docx", docx_bytes())),
    )
    assert "Takk for innspillet" in response.content.decode()
    assert Submission.objects.get().attachment.kind == "docx"
