"""An attachment must really be a PDF or a Word (docx) file, and not too large."""

from __future__ import annotations

import io
import zipfile

import pytest

from fastlege.core import uploads
from fastlege.core.errors import DomainError
from fastlege.dialogue import rules
from fastlege.dialogue.services import Code
from fastlege.dialogue.services.uploads import check_attachment
from fastlege.dialogue.tests.factories import docx_bytes, pdf_bytes


def _code(name: str, content: bytes) -> str:
    with pytest.raises(DomainError) as refused:
        check_attachment(name, content)
    return str(refused.value.code)


def test_a_real_pdf_and_a_real_word_file_are_accepted_whatever_their_names():
    pdf = check_attachment("innspill.pdf", pdf_bytes())
    assert (pdf.kind, pdf.file_name) == ("pdf", "innspill.pdf")
    word = check_attachment("C:\\Mine dokumenter\\innspill.DOCX", docx_bytes())
    assert (word.kind, word.file_name) == ("docx", "innspill.docx")
    # the name does not decide: a real PDF named .docx is stored as what it is
    assert check_attachment("innspill.docx", pdf_bytes()).file_name == "innspill.pdf"
    assert len(pdf.sha256) == 64 and pdf.size == len(pdf_bytes())


def test_a_renamed_text_file_is_refused():
    text = b"Dette er bare tekst, ikke en PDF.\n"
    assert _code("innspill.pdf", text) == Code.FILE_NOT_PDF_OR_WORD
    assert _code("innspill.docx", text) == Code.FILE_NOT_PDF_OR_WORD


def test_a_file_with_the_magic_but_not_the_structure_is_refused():
    damaged_pdf = uploads.Code.FILE_PDF_DAMAGED
    assert _code("falsk.pdf", b"%PDF-1.7\nbare tekst etter signaturen\n") == damaged_pdf
    assert _code("kuttet.pdf", pdf_bytes()[:200]) == damaged_pdf
    assert _code("falsk.docx", b"PK\x03\x04 ikke en zip") == uploads.Code.FILE_ARCHIVE_DAMAGED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notat.txt", "en zip-fil, men ikke Word")
    assert _code("zip.docx", buffer.getvalue()) == Code.FILE_NOT_PDF_OR_WORD


def test_an_excel_file_is_not_a_word_file():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert _code("regneark.docx", buffer.getvalue()) == Code.FILE_NOT_PDF_OR_WORD


def test_empty_and_too_large_files_are_refused():
    assert _code("tom.pdf", b"") == uploads.Code.FILE_EMPTY
    limit = rules.param("attachment_max_bytes")
    big = pdf_bytes() + b"\n%" + b"x" * (limit)
    with pytest.raises(DomainError) as refused:
        check_attachment("stor.pdf", big)
    assert refused.value.code == uploads.Code.FILE_TOO_LARGE
    assert "10 MB" in refused.value.message
