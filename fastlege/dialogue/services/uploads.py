"""Checking an attached file by its content, never by its name.

A PDF must start with ``%PDF-`` and be readable by pypdf (at least one page);
a Word file must be a ZIP (``PK\\x03\\x04``) with the parts of a WordprocessingML
document (``[Content_Types].xml`` declaring the main document part) and be
readable by python-docx. Anything else, including a text file renamed to
``.pdf`` or ``.docx``, is refused. Before any of that, the project's upload
limits (``fastlege.core.uploads.check_upload``: size, ZIP members and
uncompressed size read from the central directory, no nested archives, PDF
pages) refuse a decompression bomb before anything is inflated.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from fastlege.core import uploads
from fastlege.dialogue import rules

from .errors import Code, DialogueError, refuse

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@dataclass(frozen=True)
class CheckedFile:
    file_name: str
    kind: str
    size: int
    sha256: str
    content: bytes


def _check_docx(content: bytes) -> None:
    """Called only after ``uploads.check_zip``: the declared sizes are within the limits."""
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
    """The file if it is a real PDF or Word document within the upload limits; else refuse."""
    container = uploads.check_upload(content, max_bytes=rules.param("attachment_max_bytes"))
    if container == "pdf":
        kind = "pdf"
    elif container == "zip":
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
