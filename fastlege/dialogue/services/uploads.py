"""Checking an attached file by its content, never by its name.

A PDF must start with ``%PDF-`` and be readable by pypdf (at least one page);
a Word file must be a ZIP (``PK\\x03\\x04``) with the parts of a WordprocessingML
document (``[Content_Types].xml`` declaring the main document part) and be
readable by python-docx. Anything else, including a text file renamed to
``.pdf`` or ``.docx``, is refused; so is a file over
``rules.attachment_max_bytes``.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from fastlege.dialogue import rules

from .errors import Code, DialogueError, refuse

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@dataclass(frozen=True)
class CheckedFile:
    file_name: str
    kind: str
    size: int
    sha256: str
    content: bytes


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader  # noqa: PLC0415 - heavy import only when needed
    from pypdf.errors import PyPdfError  # noqa: PLC0415

    try:
        pages = len(PdfReader(io.BytesIO(content), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError):
        refuse(Code.FILE_DAMAGED, kind="PDF")
    if pages < 1:
        refuse(Code.FILE_DAMAGED, kind="PDF")


def _check_docx(content: bytes) -> None:
    import docx  # noqa: PLC0415 - heavy import only when needed

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                refuse(Code.FILE_NOT_PDF_OR_WORD)
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if DOCX_MAIN not in types:
                refuse(Code.FILE_NOT_PDF_OR_WORD)
        docx.Document(io.BytesIO(content))
    except DialogueError:
        raise
    except Exception:  # noqa: BLE001 - zipfile, lxml and python-docx raise many kinds
        refuse(Code.FILE_DAMAGED, kind="Word")


def check_attachment(file_name: str, content: bytes) -> CheckedFile:
    """The file if it is a real PDF or Word document within the size limit; else refuse."""
    limit = rules.param("attachment_max_bytes")
    if not content:
        refuse(Code.FILE_EMPTY)
    if len(content) > limit:
        refuse(Code.FILE_TOO_LARGE, limit=limit // (1024 * 1024))
    if content.startswith(PDF_MAGIC):
        kind = "pdf"
        _check_pdf(content)
    elif content.startswith(ZIP_MAGIC):
        kind = "docx"
        _check_docx(content)
    else:
        refuse(Code.FILE_NOT_PDF_OR_WORD)
    base = (file_name or "vedlegg").replace("\\", "/").rsplit("/", 1)[-1][:150]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return CheckedFile(
        file_name=f"{stem}.{kind}",
        kind=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
