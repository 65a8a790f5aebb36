"""Limits on uploaded files, and the one check every upload path uses.

Why this exists: an anonymous 206 KiB Word file whose ``word/document.xml``
inflated to hundreds of megabytes (a "decompression bomb") took the server to
2.7 GB of memory when python-docx parsed it during the request (issue 18,
finding 3). Every limit below is checked on what the file *declares* before
anything is extracted:

* the size of the upload itself (``MAX_FILE_BYTES``), before it is read into
  memory (``read_upload``), and the number of files in one request
  (``MAX_FILES_PER_SUBMISSION``);
* for a ZIP container (docx): the member count, the total uncompressed size and
  the compression ratio of every large member, all read from the central
  directory; nested archives are refused. Python's ``zipfile`` never returns
  more bytes than a member's declared size, so the declared sizes checked here
  also bound what a later parser (python-docx) can inflate;
* for a PDF: the page count (``PDF_MAX_PAGES``). pypdf reads the page tree
  only; content streams are not inflated to count pages.

Time is bounded by the same sizes: nothing larger than these limits is ever
parsed. The request body as a whole is limited by Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` / ``DATA_UPLOAD_MAX_NUMBER_FILES`` (settings.py)
and by the reverse proxy's ``client_max_body_size`` (docs/deployment.md).

The limits are the project's choices (no regulation sets them); docs/settings.md
lists them.
"""

from __future__ import annotations

import io
import zipfile
from enum import StrEnum
from typing import Any, ClassVar, NoReturn

from django.utils.translation import gettext_lazy as _

from fastlege.core.errors import CodedError

#: The largest file accepted (10 MiB).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Files in one submission (a consultation input has one attachment).
MAX_FILES_PER_SUBMISSION = 1
#: A ZIP container (docx) may hold at most this many members ...
ZIP_MAX_MEMBERS = 300
#: ... which together inflate to at most this much (a long report with images
#: is a few MiB; the bomb of the finding declared 200 MiB).
ZIP_MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024
#: A member larger than ``ZIP_RATIO_FROM_BYTES`` may be at most this many times
#: its compressed size (Word XML compresses about 5-20 times; zeros about 1000).
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM_BYTES = 1024 * 1024
#: One XML part (what python-docx parses into a tree) inflates to at most this:
#: a 100 000-paragraph report is about 8 MiB. Measured: python-docx takes about
#: 6 times an XML part's size in memory and 0.1 s per MiB.
ZIP_MAX_XML_MEMBER_BYTES = 10 * 1024 * 1024
#: Members with these endings are archives themselves: refused (no nesting).
ZIP_NESTED_SUFFIXES = (".zip", ".docx", ".docm", ".xlsx", ".pptx", ".odt", ".jar",
                       ".7z", ".gz", ".tgz", ".bz2", ".xz", ".rar")  # fmt: skip
#: The most pages a PDF may have.
PDF_MAX_PAGES = 500

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"


class Code(StrEnum):
    FILE_EMPTY = "file_empty"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TOO_MANY = "file_too_many"
    FILE_ARCHIVE_TOO_MANY_MEMBERS = "file_archive_too_many_members"
    FILE_ARCHIVE_TOO_LARGE = "file_archive_too_large"
    FILE_ARCHIVE_NESTED = "file_archive_nested"
    FILE_ARCHIVE_DAMAGED = "file_archive_damaged"
    FILE_PDF_DAMAGED = "file_pdf_damaged"
    FILE_PDF_TOO_MANY_PAGES = "file_pdf_too_many_pages"


class UploadError(CodedError):
    MESSAGES: ClassVar[dict[Any, tuple[Any, str]]] = {
        Code.FILE_EMPTY: (_("Vedlegget er tomt."), "The attachment is empty."),
        Code.FILE_TOO_LARGE: (
            _("Vedlegget er for stort: høyst %(limit)s MB er tillatt."),
            "The attachment is too large: at most %(limit)s MB.",
        ),
        Code.FILE_TOO_MANY: (
            _("Du kan legge ved høyst %(limit)s fil."),
            "At most %(limit)s file can be attached.",
        ),
        Code.FILE_ARCHIVE_TOO_MANY_MEMBERS: (
            _(
                "Filen består av for mange deler (høyst %(limit)s). Lagre den på nytt som "
                "et vanlig Word-dokument eller som PDF."
            ),
            "The file has too many parts (at most %(limit)s).",
        ),
        Code.FILE_ARCHIVE_TOO_LARGE: (
            _(
                "Filen blir for stor når den pakkes ut (høyst %(limit)s MB), og er avvist. "
                "Lagre den på nytt som et vanlig Word-dokument eller som PDF."
            ),
            "The file is too large when unpacked (at most %(limit)s MB) and is refused.",
        ),
        Code.FILE_ARCHIVE_NESTED: (
            _("Filen inneholder en annen pakket fil, og er avvist."),
            "The file contains another archive and is refused.",
        ),
        Code.FILE_ARCHIVE_DAMAGED: (
            _("Vedlegget ser ut som en Word-fil, men kan ikke leses. Er filen skadet?"),
            "The attachment looks like a Word file but cannot be read.",
        ),
        Code.FILE_PDF_DAMAGED: (
            _("Vedlegget ser ut som en PDF-fil, men kan ikke leses. Er filen skadet?"),
            "The attachment looks like a PDF file but cannot be read.",
        ),
        Code.FILE_PDF_TOO_MANY_PAGES: (
            _("PDF-filen har for mange sider: høyst %(limit)s er tillatt."),
            "The PDF has too many pages: at most %(limit)s.",
        ),
    }


def refuse(code: Code, **params: Any) -> NoReturn:
    raise UploadError(code, params or None)


def _mb(limit: int) -> int:
    return limit // (1024 * 1024)


def check_file_count(files: Any, limit: int = MAX_FILES_PER_SUBMISSION) -> None:
    """Refuse a request (``request.FILES``) carrying more than ``limit`` files."""
    count = sum(len(files.getlist(key)) for key in files) if files else 0
    if count > limit:
        refuse(Code.FILE_TOO_MANY, limit=limit)


def read_upload(upload: Any, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The content of an uploaded file, refused by its size *before* it is read."""
    if upload.size is not None and upload.size > max_bytes:
        refuse(Code.FILE_TOO_LARGE, limit=_mb(max_bytes))
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        refuse(Code.FILE_TOO_LARGE, limit=_mb(max_bytes))
    return bytes(content)


def check_zip(content: bytes) -> list[str]:
    """The member names of a ZIP container within the limits, from its central directory only.

    Nothing is inflated here except the first bytes of each member's data, never
    more than four bytes each, to catch a nested archive behind an innocent name.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                refuse(Code.FILE_ARCHIVE_TOO_MANY_MEMBERS, limit=ZIP_MAX_MEMBERS)
            total = 0
            for info in members:
                total += info.file_size
                if total > ZIP_MAX_UNCOMPRESSED_BYTES:
                    refuse(Code.FILE_ARCHIVE_TOO_LARGE, limit=_mb(ZIP_MAX_UNCOMPRESSED_BYTES))
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > ZIP_RATIO_FROM_BYTES and ratio > ZIP_MAX_RATIO:
                    refuse(Code.FILE_ARCHIVE_TOO_LARGE, limit=_mb(ZIP_MAX_UNCOMPRESSED_BYTES))
                name = info.filename.lower()
                if name.endswith((".xml", ".rels")) and info.file_size > ZIP_MAX_XML_MEMBER_BYTES:
                    refuse(Code.FILE_ARCHIVE_TOO_LARGE, limit=_mb(ZIP_MAX_XML_MEMBER_BYTES))
                if name.endswith(ZIP_NESTED_SUFFIXES):
                    refuse(Code.FILE_ARCHIVE_NESTED)
            for info in members:
                if info.file_size >= len(ZIP_MAGIC) and not info.is_dir():
                    with archive.open(info) as member:
                        if member.read(len(ZIP_MAGIC)) == ZIP_MAGIC:
                            refuse(Code.FILE_ARCHIVE_NESTED)
            return [info.filename for info in members]
    except UploadError:
        raise
    except Exception:  # noqa: BLE001 - zipfile and zlib raise many kinds on damaged input
        refuse(Code.FILE_ARCHIVE_DAMAGED)


def pdf_page_count(content: bytes) -> int:
    """The pages of a PDF within ``PDF_MAX_PAGES`` (at least one), else refused."""
    from pypdf import PdfReader  # noqa: PLC0415 - heavy import only when needed

    try:
        pages = len(PdfReader(io.BytesIO(content), strict=False).pages)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on damaged input
        refuse(Code.FILE_PDF_DAMAGED)
    if pages < 1:
        refuse(Code.FILE_PDF_DAMAGED)
    if pages > PDF_MAX_PAGES:
        refuse(Code.FILE_PDF_TOO_MANY_PAGES, limit=PDF_MAX_PAGES)
    return pages


def check_upload(content: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Refuse an uploaded file outside the limits; the container it is ("pdf", "zip") or None.

    Every upload path calls this before parsing the file in any other way.
    """
    if not content:
        refuse(Code.FILE_EMPTY)
    if len(content) > max_bytes:
        refuse(Code.FILE_TOO_LARGE, limit=_mb(max_bytes))
    if content.startswith(PDF_MAGIC):
        pdf_page_count(content)
        return "pdf"
    if content.startswith(ZIP_MAGIC):
        check_zip(content)
        return "zip"
    return None
